import type { EnvironmentKind } from '../environments/port.js';
import type { ProcedureState } from '../procedure/state.js';
import type { Prompt, PendingPrompt } from './prompt-bridge.js';
import { BackupPicker } from './prompts/BackupPicker.js';
import { CumulativeUpdatePrompt } from './prompts/CumulativeUpdatePrompt.js';
import { FailurePrompt } from './prompts/FailurePrompt.js';
import { FinishPairOffer } from './prompts/FinishPairOffer.js';
import { HandRunPrompt } from './prompts/HandRunPrompt.js';
import { PlanConfirm } from './prompts/PlanConfirm.js';
import { PoolPicker } from './prompts/PoolPicker.js';
import { PreflightReview } from './prompts/PreflightReview.js';
import { ReplicationPrompt } from './prompts/ReplicationPrompt.js';
import { ResumeOffer } from './prompts/ResumeOffer.js';
import { SyncTimeoutPrompt } from './prompts/SyncTimeoutPrompt.js';
import { TopologyBuilderWait } from './prompts/TopologyBuilderWait.js';
import { UnknownPrompt } from './prompts/UnknownPrompt.js';
import { VoiceForm } from './prompts/VoiceForm.js';

/** Prompts that replace the live panels; the others (a failed server, a slow sync) show below them. */
export function isBlockingPrompt(prompt: Prompt): boolean {
	return prompt.kind !== 'failure' && prompt.kind !== 'by-hand' && prompt.kind !== 'unknown' && prompt.kind !== 'sync-timeout' && prompt.kind !== 'replication';
}

interface Props {
	pending: PendingPrompt;
	rows: number;
	state: ProcedureState | undefined;
	kind: EnvironmentKind;
	/** The answer given last time to this kind of prompt: coming back, it is focused again. */
	previous(kind: Prompt['kind']): unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function PromptView({ pending, rows, state, kind, previous }: Props) {
	const { prompt, answer } = pending;
	switch (prompt.kind) {
		case 'resume':
			return <ResumeOffer sessions={prompt.sessions} problems={prompt.problems} elsewhere={prompt.elsewhere} onAnswer={answer} />;
		case 'finish-pair':
			return <FinishPairOffer pairs={prompt.pairs} onAnswer={answer} />;
		case 'choose-pool': {
			const chosen = text(previous('choose-pool')) ?? state?.pair?.pool;
			return <PoolPicker pools={prompt.pools} rows={rows} {...(chosen ? { chosen } : {})} onAnswer={answer} />;
		}
		case 'choose-backup': {
			const chosen = text(previous('choose-backup')) ?? state?.pair?.backup;
			return <BackupPicker key={prompt.pool.fqdn} pool={prompt.pool} candidates={prompt.candidates} rows={rows} {...(chosen ? { chosen } : {})} onAnswer={answer} />;
		}
		case 'voice':
			return <VoiceForm current={prompt.current} onAnswer={answer} />;
		case 'preflight':
			return <PreflightReview report={prompt.report} rows={rows} onAnswer={answer} />;
		case 'confirm-plan':
			return <PlanConfirm plan={prompt.plan} rows={rows} onAnswer={answer} />;
		case 'topology-builder':
			return <TopologyBuilderWait plan={prompt.plan} canSimulate={prompt.canSimulate} rows={rows} {...(prompt.lastCheck ? { lastCheck: prompt.lastCheck } : {})} onAnswer={answer} />;
		case 'cumulative-update':
			return <CumulativeUpdatePrompt servers={prompt.servers} canRun={prompt.canRun} onAnswer={answer} />;
		case 'failure':
			return <FailurePrompt key={`${prompt.failure.server}-${prompt.failure.attempts}`} failure={prompt.failure} kind={kind} rows={rows} onAnswer={answer} />;
		case 'unknown':
			return <UnknownPrompt key={`${prompt.unknown.subject}-${prompt.unknown.what}-${prompt.unknown.attempts}`} unknown={prompt.unknown} onAnswer={answer} />;
		case 'by-hand':
			return <HandRunPrompt key={`${prompt.request.server}-${prompt.request.phase}-${prompt.request.lastCheck ?? ''}`} request={prompt.request} onAnswer={answer} />;
		case 'sync-timeout':
			return <SyncTimeoutPrompt guidance={prompt.guidance} onAnswer={answer} />;
		case 'replication':
			return <ReplicationPrompt behind={prompt.behind} onAnswer={answer} />;
	}
}
