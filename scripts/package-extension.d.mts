export interface PackagedExtension {
  zipPath: string;
  name: string;
  version: string;
  files: string[];
}
export function packageExtension(distDir: string, outDir: string): PackagedExtension;
