//! The names of the events the app emits to its window; `ui/src/lib/bindings/events.ts`
//! is generated from them.

/// An agent's masked output ([`super::AgentOutput`]).
pub const AGENT_OUTPUT_EVENT: &str = "agent-output";
/// An agent ended ([`super::AgentExit`]).
pub const AGENT_EXIT_EVENT: &str = "agent-exit";
/// A brokered agent's request ended ([`super::AgentRequest`]).
pub const AGENT_REQUEST_EVENT: &str = "agent-request";
/// The vault locked itself after inactivity.
pub const VAULT_LOCKED_EVENT: &str = "vault-locked";
/// The tray asks for the Rotation screen.
pub const OPEN_ROTATION_EVENT: &str = "open-rotation";
/// How far a sweep is ([`super::SweepProgress`]).
pub const SWEEP_PROGRESS_EVENT: &str = "sweep-progress";

/// Every event, as (constant name, event name, what it carries), for the bindings.
pub const EVENTS: &[(&str, &str, &str)] = &[
    ("AGENT_OUTPUT_EVENT", AGENT_OUTPUT_EVENT, "An agent's masked output (AgentOutput)."),
    ("AGENT_EXIT_EVENT", AGENT_EXIT_EVENT, "An agent ended (AgentExit)."),
    ("AGENT_REQUEST_EVENT", AGENT_REQUEST_EVENT, "A brokered agent's request ended (AgentRequest)."),
    ("VAULT_LOCKED_EVENT", VAULT_LOCKED_EVENT, "The vault locked itself after inactivity."),
    ("OPEN_ROTATION_EVENT", OPEN_ROTATION_EVENT, "The tray asks for the Rotation screen."),
    ("SWEEP_PROGRESS_EVENT", SWEEP_PROGRESS_EVENT, "How far a sweep is (SweepProgress)."),
];
