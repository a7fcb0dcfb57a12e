import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { SendGate1763900000000 } from './1763900000000-send-gate';
import { EspIntegrationSetup1764000000000 } from './1764000000000-esp-integration-setup';
import { RateLimits1764100000000 } from './1764100000000-rate-limits';
import { SandboxAccounts1764200000000 } from './1764200000000-sandbox-accounts';
import { SendoutIdempotency1764300000000 } from './1764300000000-sendout-idempotency';
import { SendoutWorkflowStarted1764400000000 } from './1764400000000-sendout-workflow-started';
import { DeliveryFeedback1764500000000 } from './1764500000000-delivery-feedback';
import { FeedbackLeases1764510000000 } from './1764510000000-feedback-leases';
import { EspCallbacks1764530000000 } from './1764530000000-esp-callbacks';
import { EmailApi1764600000000 } from './1764600000000-email-api';
import { EmailReportPush1764630000000 } from './1764630000000-email-report-push';
import { Journeys1764700000000 } from './1764700000000-journeys';
import { JourneyRuns1764800000000 } from './1764800000000-journey-runs';
import { Campaigns1764900000000 } from './1764900000000-campaigns';
import { Suppressions1765000000000 } from './1765000000000-suppressions';
import { FeedbackBatches1765100000000 } from './1765100000000-feedback-batches';

/** Every migration, oldest first. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  SendGate1763900000000,
  EspIntegrationSetup1764000000000,
  RateLimits1764100000000,
  SandboxAccounts1764200000000,
  SendoutIdempotency1764300000000,
  SendoutWorkflowStarted1764400000000,
  DeliveryFeedback1764500000000,
  FeedbackLeases1764510000000,
  EspCallbacks1764530000000,
  EmailApi1764600000000,
  EmailReportPush1764630000000,
  Journeys1764700000000,
  JourneyRuns1764800000000,
  Campaigns1764900000000,
  Suppressions1765000000000,
  FeedbackBatches1765100000000,
];
