import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { segmentNames } from '../../contract/insights.ts';
import {
  coachingNoteRequestSchema,
  coachingNoteSchema,
  coachingQuerySchema,
  coachingReportSchema,
  decisionDrillQuerySchema,
  decisionDrillRowSchema,
  noteRowSchema,
  notesQuerySchema,
  supervisorScopeSchema,
  treatmentReviewQuerySchema,
  treatmentReviewSchema,
} from '../../contract/supervisor.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import { teamNamesOf } from '../teams/store.ts';
import { addCoachingNote, coachingReport } from './coaching.ts';
import { drillDecisions } from './drill.ts';
import { searchNotes } from './notes.ts';
import { scopeOf, teamsFor } from '../teams/scope.ts';
import { parsePeriod } from '../db/periods.ts';
import { reviewTreatments, treatmentReviewDefinitions } from './treatment-review.ts';

export function supervisorRoutes(app: FastifyInstance, db: Db): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['supervisor'];

  typed.get(
    '/v1/supervisor/scope',
    {
      config: { role: 'supervisor' },
      schema: {
        tags,
        summary: 'Who is asking and which teams they see (the workspace filters read it)',
        response: { 200: supervisorScopeSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const scope = await scopeOf(db, principal);
      const names = await teamNamesOf(db, scope.teamIds);
      return {
        agentName: principal.agentName,
        role: scope.role,
        teams: scope.teamIds === null ? null : names,
        allTeams: names,
        segments: [...segmentNames],
      };
    },
  );

  typed.get(
    '/v1/supervisor/treatments',
    {
      config: { role: 'supervisor' },
      schema: {
        tags,
        summary:
          'Per treatment: suggested, offered, accepted, declined by reason, rates, uplift, value',
        querystring: treatmentReviewQuerySchema,
        response: { 200: treatmentReviewSchema },
      },
    },
    async (request) => {
      const scope = await scopeOf(db, principalOf(request));
      const period = parsePeriod(request.query);
      const rows = await reviewTreatments(db, {
        period,
        teamIds: await teamsFor(db, scope, request.query.team),
        segment: request.query.segment,
      });
      return {
        from: period.from.toISOString(),
        to: period.to.toISOString(),
        definitions: treatmentReviewDefinitions,
        rows,
      };
    },
  );

  typed.get(
    '/v1/supervisor/decisions',
    {
      config: { role: 'supervisor' },
      schema: {
        tags,
        summary: 'The decisions and outcomes behind a review or KPI cell, newest first',
        querystring: decisionDrillQuerySchema,
        response: { 200: z.array(decisionDrillRowSchema) },
      },
    },
    async (request) => {
      const scope = await scopeOf(db, principalOf(request));
      const q = request.query;
      return drillDecisions(
        db,
        { period: parsePeriod(q), teamIds: await teamsFor(db, scope, q.team), segment: q.segment },
        q,
      );
    },
  );

  typed.get(
    '/v1/supervisor/notes',
    {
      config: { role: 'supervisor' },
      schema: {
        tags,
        summary: 'Notes CSRs sent with outcomes, searchable, with their customer and decision',
        querystring: notesQuerySchema,
        response: { 200: z.array(noteRowSchema) },
      },
    },
    async (request) => {
      const scope = await scopeOf(db, principalOf(request));
      const q = request.query;
      return searchNotes(db, {
        q: q.q?.trim() || undefined,
        teamIds: scope.teamIds,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
      });
    },
  );

  typed.get(
    '/v1/supervisor/coaching',
    {
      config: { role: 'supervisor' },
      schema: {
        tags,
        summary:
          'Coaching cues per agent: rates short of the team on a segment, skipped treatments',
        querystring: coachingQuerySchema,
        response: { 200: coachingReportSchema },
      },
    },
    async (request) => {
      const scope = await scopeOf(db, principalOf(request));
      const q = request.query;
      const period = parsePeriod(q);
      const agents = await coachingReport(
        db,
        { period, teamIds: scope.teamIds },
        { minCount: q.minCount, margin: q.margin },
      );
      return {
        from: period.from.toISOString(),
        to: period.to.toISOString(),
        minCount: q.minCount,
        margin: q.margin,
        agents,
      };
    },
  );

  typed.post(
    '/v1/supervisor/coaching-notes',
    {
      config: { role: 'supervisor' },
      schema: {
        tags,
        summary: 'Leave a coaching note for an agent in one of your teams (audited)',
        body: coachingNoteRequestSchema,
        response: { 201: coachingNoteSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const scope = await scopeOf(db, principal);
      const note = await addCoachingNote(db, {
        ...request.body,
        author: principal.agentName,
        teamIds: scope.teamIds,
      });
      return reply.code(201).send(note);
    },
  );
}
