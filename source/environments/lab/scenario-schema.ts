import { DEFAULT_VOICE } from '../../sfb/voice-resiliency.js';
import { SCENARIO_SECONDS } from '../../text/bounded-values.js';

/** The Backup Service modules a pool reports (sfb-facts.md §6); RGS only on 2019 pools. */
export const BACKUP_MODULES = ['UserServices.PresenceFocus', 'ConfServices.DataConf', 'CentralMgmt.CMSMaster'] as const;
export const RGS_MODULE = 'ApplicationServer.RGSDataStore';

export const SCENARIO_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

/** Checked by `isHostName` (source/sfb/host-name.ts), the check topology documents get too. */
export const HOST_NAME_FORMAT = 'host-name';
const fqdn = { type: 'string', format: HOST_NAME_FORMAT };
/** A day at most: the lab's clock is never slower than real time, so every wait stays a valid timer. */
const seconds = { type: 'number', minimum: SCENARIO_SECONDS.min, maximum: SCENARIO_SECONDS.max };
const attempts = { type: 'integer', minimum: 1, maximum: 1000, default: 1 };
const serverFault = { server: fqdn, attempts };

/**
 * The scenario file format (documented in scenario-format.md). Defaults are filled in by validation, so a
 * validated scenario has every optional field with its value.
 */
export const scenarioSchema = {
	type: 'object',
	additionalProperties: false,
	required: ['name', 'description', 'seed', 'sites', 'pools'],
	properties: {
		extends: { type: 'string' },
		name: { type: 'string', minLength: 1, maxLength: 80, pattern: SCENARIO_NAME_PATTERN },
		description: { type: 'string', minLength: 1 },
		seed: { type: 'integer' },
		signature: { type: 'string', minLength: 1 },
		sites: {
			type: 'array',
			minItems: 1,
			items: {
				type: 'object',
				additionalProperties: false,
				required: ['id', 'name'],
				properties: { id: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
			},
		},
		pools: {
			type: 'array',
			minItems: 1,
			items: {
				type: 'object',
				additionalProperties: false,
				required: ['fqdn', 'site', 'edition', 'version', 'servers'],
				properties: {
					fqdn,
					site: { type: 'string', minLength: 1 },
					edition: { enum: ['Enterprise', 'Standard'] },
					version: {
						enum: ['Lync Server 2010', 'Lync Server 2013', 'Skype for Business Server 2015', 'Skype for Business Server 2019', 'unknown'],
					},
					servers: { type: 'array', minItems: 1, items: fqdn },
					platform: { enum: ['physical', 'virtual'] },
					operatingSystem: { type: 'string', minLength: 1 },
					hostsCentralManagementStore: { type: 'boolean', default: false },
					deployed: { type: 'boolean', default: true },
					cumulativeUpdate: { type: 'string', pattern: '^(RTM|CU[0-9]+)$', default: 'RTM' },
				},
			},
		},
		otherClusters: {
			type: 'array',
			default: [],
			items: {
				type: 'object',
				additionalProperties: false,
				required: ['fqdn', 'site', 'roles'],
				properties: {
					fqdn,
					site: { type: 'string', minLength: 1 },
					roles: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
				},
			},
		},
		usersPerPool: { type: 'integer', minimum: 0, maximum: 1000, default: 5 },
		pairings: {
			type: 'array',
			default: [],
			items: {
				type: 'object',
				additionalProperties: false,
				required: ['pool', 'backup'],
				properties: {
					pool: fqdn,
					backup: fqdn,
					voice: {
						type: 'object',
						additionalProperties: false,
						default: DEFAULT_VOICE,
						required: ['automaticFailover', 'failoverSeconds', 'failbackSeconds'],
						properties: {
							automaticFailover: { type: 'boolean' },
							failoverSeconds: { type: 'integer', minimum: 30, maximum: 86_400 },
							failbackSeconds: { type: 'integer', minimum: 30, maximum: 86_400 },
						},
					},
				},
			},
		},
		timings: {
			type: 'object',
			additionalProperties: false,
			default: {},
			properties: {
				bootstrapperSeconds: { ...seconds, default: 150 },
				bootstrapperSecondsPerServer: { type: 'object', default: {}, additionalProperties: seconds },
				cumulativeUpdateSeconds: { ...seconds, default: 240 },
				serviceStartSeconds: { ...seconds, default: 15 },
				event4007CrashSeconds: { ...seconds, default: 40 },
				failoverSeconds: { ...seconds, default: 60 },
				failbackSeconds: { ...seconds, default: 30 },
				restartSeconds: { ...seconds, default: 180 },
				poolFailoverSeconds: { ...seconds, default: 120 },
				poolFailbackSeconds: { ...seconds, default: 180 },
				managementFailoverSeconds: { ...seconds, default: 60 },
				jitter: { type: 'number', minimum: 0, maximum: 0.5, default: 0.1 },
				sync: {
					type: 'object',
					additionalProperties: false,
					default: {},
					properties: {
						secondsNotInitialized: { ...seconds, default: 60 },
						secondsNonSteady: { ...seconds, default: 150 },
					},
				},
			},
		},
		faults: {
			type: 'array',
			default: [],
			items: {
				type: 'object',
				discriminator: { propertyName: 'type' },
				required: ['type'],
				oneOf: [
					faultShape('bootstrapper-exit', { ...serverFault, exitCode: { type: 'integer', minimum: -2147483648, maximum: 4294967295, not: { enum: [0, 3010] } } }, ['server', 'exitCode']),
					faultShape('another-version-installed', serverFault, ['server']),
					faultShape('unreachable', { ...serverFault, during: { enum: ['bootstrapper', 'service', 'deployment', 'preflight'], default: 'bootstrapper' } }, ['server']),
					faultShape('replica-behind', { server: fqdn, seconds, pushIgnored: { type: 'boolean', default: false } }, ['server', 'seconds']),
					faultShape('reboot-required', serverFault, ['server']),
					faultShape('cumulative-update-not-applied', serverFault, ['server']),
					faultShape('cumulative-update-exit', { ...serverFault, exitCode: { type: 'integer', minimum: -2147483648, maximum: 4294967295, not: { enum: [0, 3010] } } }, ['server', 'exitCode']),
					faultShape('server-down', serverFault, ['server']),
					faultShape('restart-hangs', serverFault, ['server']),
					faultShape('sync-slow', { pool: fqdn, extraSeconds: seconds }, ['pool', 'extraSeconds']),
					faultShape('sync-error', { pool: fqdn, module: { enum: [...BACKUP_MODULES, RGS_MODULE] } }, ['pool', 'module']),
					faultShape('sync-backlog', { pool: fqdn, attempts }, ['pool']),
					faultShape('stale-sync', { pool: fqdn, minutes: { type: 'integer', minimum: 1, maximum: 7 * 24 * 60 } }, ['pool', 'minutes']),
					faultShape('status-access-denied', { pool: fqdn, attempts }, []),
					faultShape('topology-changed', { afterInventoryReads: { type: 'integer', minimum: 1, maximum: 1000 } }, ['afterInventoryReads']),
					faultShape('no-standby-store', { attempts }, []),
					faultShape('file-share-permissions', { pool: fqdn, attempts }, ['pool']),
					faultShape('smb-blocked', { server: fqdn }, ['server']),
					faultShape('double-hop-denied', { server: fqdn }, ['server']),
					faultShape('fabric-missing-replicas', { pool: fqdn, count: { type: 'integer', minimum: 1, maximum: 100_000 } }, ['pool', 'count']),
					faultShape('front-end-stopped', { server: fqdn }, ['server']),
					faultShape('not-rtc-admin', {}, []),
					faultShape('not-elevated', {}, []),
					faultShape('no-setup-rights', {}, []),
					faultShape(
						'server-output',
						{ ...serverFault, lines: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', maxLength: 1000 } } },
						['server', 'lines'],
					),
				],
			},
		},
	},
};

function faultShape(type: string, properties: Record<string, unknown>, required: string[]) {
	return {
		additionalProperties: false,
		required,
		properties: { type: { const: type }, ...properties },
	};
}

const { sites: _sites, otherClusters: _otherClusters, extends: _extends, pools: scenarioPools, ...overlayFields } = scenarioSchema.properties;
const { platform, operatingSystem, deployed, cumulativeUpdate } = scenarioPools.items.properties;

/**
 * What a topology overlay may say (scenario-format.md, "Built from a topology document"): a scenario without
 * what the exported document already holds. Pools are matched by `fqdn` and only carry what the document
 * does not record.
 */
export const topologyOverlaySchema = {
	type: 'object',
	additionalProperties: false,
	required: [],
	properties: {
		...overlayFields,
		pools: {
			type: 'array',
			items: {
				type: 'object',
				additionalProperties: false,
				required: ['fqdn'],
				properties: { fqdn, platform, operatingSystem, deployed: { type: deployed.type }, cumulativeUpdate: { type: cumulativeUpdate.type, pattern: cumulativeUpdate.pattern } },
			},
		},
	},
};
