/** One event of an agent's stream: its id is the stream's `id:` (Last-Event-ID on reconnect). */
export interface AgentStreamEvent {
  id: string;
  kind: string;
  payload: unknown;
}

type Listener = (event: AgentStreamEvent) => void;

/**
 * Hands each stored agent event to the streams that agent has open on this server. Events are
 * stored first (`agent_events`), so a stream that misses one here (reconnecting, or open on
 * another replica) reads it back from the table; this is only the fast path.
 */
export class AgentEventHub {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #closers = new Set<() => void>();

  /** Streams open on this server (the fan-out benchmark reads it). */
  get openStreams(): number {
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  publish(agentId: string, event: AgentStreamEvent): void {
    for (const listener of this.#listeners.get(agentId) ?? []) listener(event);
  }

  /** Listens for an agent's events; `close` ends the stream when the server shuts down. */
  subscribe(agentId: string, listener: Listener, close: () => void): () => void {
    let listeners = this.#listeners.get(agentId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(agentId, listeners);
    }
    listeners.add(listener);
    this.#closers.add(close);
    return () => {
      this.#closers.delete(close);
      listeners.delete(listener);
      if (!listeners.size) this.#listeners.delete(agentId);
    };
  }

  /** Ends every open stream (server shutdown: clients reconnect elsewhere with Last-Event-ID). */
  closeAll(): void {
    for (const close of [...this.#closers]) close();
  }
}
