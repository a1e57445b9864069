// Generated from src-tauri: the names of the events the app emits. Do not edit.

/** An agent's masked output (AgentOutput). */
export const AGENT_OUTPUT_EVENT = "agent-output";

/** An agent ended (AgentExit). */
export const AGENT_EXIT_EVENT = "agent-exit";

/** A brokered agent's request ended (AgentRequest). */
export const AGENT_REQUEST_EVENT = "agent-request";

/** The vault locked itself after inactivity. */
export const VAULT_LOCKED_EVENT = "vault-locked";

/** The tray asks for the Rotation screen. */
export const OPEN_ROTATION_EVENT = "open-rotation";

/** How far a sweep is (SweepProgress). */
export const SWEEP_PROGRESS_EVENT = "sweep-progress";
