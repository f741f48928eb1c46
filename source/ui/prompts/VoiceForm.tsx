import { Box, Text } from 'ink';
import { useState } from 'react';
import { BACK, type VoiceChoice } from '../../procedure/operator.js';
import type { VoiceResiliency } from '../../sfb/model.js';
import { checkFailbackInterval, checkFailoverInterval, DEFAULT_VOICE } from '../../sfb/voice-resiliency.js';
import { Paragraph } from '../Paragraph.js';
import { Picker } from '../Picker.js';
import { useKeyHints } from '../keys/hints.js';
import { TextInput } from '../TextInput.js';

type Mode = 'defaults' | 'custom' | 'off';
type Stage = { field: 'mode' } | { field: 'failover'; message?: string } | { field: 'failback'; failover: number; raised?: string; message?: string };

const MODES: Mode[] = ['defaults', 'custom', 'off'];

/** The line that describes the settings now: coming back to this step, it is the one focused. */
export function modeOf(voice: VoiceResiliency): Mode {
	if (!voice.automaticFailover) return 'off';
	return voice.failoverSeconds === DEFAULT_VOICE.failoverSeconds && voice.failbackSeconds === DEFAULT_VOICE.failbackSeconds ? 'defaults' : 'custom';
}

/** Step 5: automatic failover and failback for Voice, with validated intervals. */
export function VoiceForm({ current, onAnswer }: { current: VoiceResiliency; onAnswer(value: VoiceChoice | typeof BACK): void }) {
	const [stage, setStage] = useState<Stage>({ field: 'mode' });
	const [mode, setMode] = useState<Mode>(() => modeOf(current));
	useKeyHints(stage.field === 'mode' ? undefined : 'type the interval (empty keeps the one shown) · Enter · Esc back');
	return (
		<Box flexDirection="column">
			<Text>Automatic failover and failback for Voice</Text>
			<Paragraph dimColor>{"This only moves phones' registrations to the backup pool. Pool failover itself always stays manual (Invoke-CsPoolFailOver)."}</Paragraph>
			{stage.field === 'mode' && (
				<Picker
					options={[
						{ label: `On, failover after ${DEFAULT_VOICE.failoverSeconds} s, failback after ${DEFAULT_VOICE.failbackSeconds} s (Microsoft's defaults)`, value: 'defaults' as const },
						{ label: `On, with other intervals (now ${current.failoverSeconds} s / ${current.failbackSeconds} s)`, value: 'custom' as const },
						{ label: 'Off', value: 'off' as const },
					]}
					initialIndex={MODES.indexOf(mode)}
					onSelect={(choice) => {
						setMode(choice);
						if (choice === 'defaults') onAnswer(DEFAULT_VOICE);
						else if (choice === 'off') onAnswer({ ...current, automaticFailover: false });
						else setStage({ field: 'failover' });
					}}
					onBack={() => onAnswer(BACK)}
				/>
			)}
			{stage.field === 'failover' && (
				<Box flexDirection="column">
					<Text>
						Failover detection interval (seconds, 5m or hh:mm:ss; at least 90 s):{' '}
						<TextInput
							key="failover"
							placeholder={String(current.failoverSeconds)}
							onSubmit={(text) => {
								const check = checkFailoverInterval(text === '' ? String(current.failoverSeconds) : text);
								if (!check.ok) setStage({ field: 'failover', message: check.reason });
								else setStage({ field: 'failback', failover: check.seconds, ...(check.note ? { message: check.note, raised: check.note } : {}) });
							}}
							onBack={() => setStage({ field: 'mode' })}
						/>
					</Text>
					{stage.message && <Paragraph color="red">{stage.message}</Paragraph>}
				</Box>
			)}
			{stage.field === 'failback' && (
				<Box flexDirection="column">
					<Text color="green">Failover after {stage.failover} s</Text>
					{stage.message && <Paragraph color="yellow">{stage.message}</Paragraph>}
					<Text>
						Failback detection interval (seconds, 10m or hh:mm:ss):{' '}
						<TextInput
							key="failback"
							placeholder={String(current.failbackSeconds)}
							onSubmit={(text) => {
								const check = checkFailbackInterval(text === '' ? String(current.failbackSeconds) : text);
								if (!check.ok) setStage({ ...stage, message: check.reason });
								else onAnswer({ automaticFailover: true, failoverSeconds: stage.failover, failbackSeconds: check.seconds, ...(stage.raised ? { note: stage.raised } : {}) });
							}}
							onBack={() => setStage({ field: 'failover' })}
						/>
					</Text>
				</Box>
			)}
		</Box>
	);
}
