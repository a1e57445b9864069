//! The registry of TypeScript bindings: every IPC type and the event names, for
//! `make bindings` and the freshness test.

use latchkey_core as core;
use ts_rs::TS;

use super::*;

/// Every exported declaration, as (file name, TypeScript), for the freshness test and
/// `make bindings`.
pub fn bindings() -> Vec<(String, String)> {
    fn one<T: TS + 'static>(out: &mut Vec<(String, String)>) {
        let cfg = ts_rs::Config::new();
        let name = format!("{}.ts", T::name(&cfg));
        out.push((name, T::export_to_string(&cfg).expect("a declaration exports")));
    }
    let mut out = Vec::new();
    one::<IpcError>(&mut out);
    one::<core::ProblemCode>(&mut out);
    one::<core::rotation::Status>(&mut out);
    one::<core::rotation::SecretClass>(&mut out);
    one::<core::audit::Access>(&mut out);
    one::<ErrorCode>(&mut out);
    one::<IdentityKind>(&mut out);
    one::<AppStatus>(&mut out);
    one::<EnvironmentInfo>(&mut out);
    one::<Kind>(&mut out);
    one::<Store>(&mut out);
    one::<VariableRow>(&mut out);
    one::<CreateVaultRequest>(&mut out);
    one::<MoveIdentityRequest>(&mut out);
    one::<MovedIdentityInfo>(&mut out);
    one::<SetVariableRequest>(&mut out);
    one::<NameCheck>(&mut out);
    one::<Revealed>(&mut out);
    one::<Copied>(&mut out);
    one::<FormatStatus>(&mut out);
    one::<OnlineStatus>(&mut out);
    one::<ProblemInfo>(&mut out);
    one::<CheckInfo>(&mut out);
    one::<CheckValueRequest>(&mut out);
    one::<ValueCheck>(&mut out);
    one::<VerifyResult>(&mut out);
    one::<Comparison>(&mut out);
    one::<ImportRequest>(&mut out);
    one::<ImportAction>(&mut out);
    one::<ImportRow>(&mut out);
    one::<ExportFormatName>(&mut out);
    one::<ExportStateName>(&mut out);
    one::<ExportFileRequest>(&mut out);
    one::<ExportInfo>(&mut out);
    one::<ProfileInfo>(&mut out);
    one::<SaveProfileRequest>(&mut out);
    one::<ActivityEntry>(&mut out);
    one::<AgentRun>(&mut out);
    one::<AgentOutput>(&mut out);
    one::<AgentStream>(&mut out);
    one::<AgentExit>(&mut out);
    one::<AgentRequest>(&mut out);
    one::<BrokerSettings>(&mut out);
    one::<core::broker::Egress>(&mut out);
    one::<SandboxSettings>(&mut out);
    one::<core::project::status::State>(&mut out);
    one::<ProjectView>(&mut out);
    one::<DeclaredInfo>(&mut out);
    one::<ProjectEnv>(&mut out);
    one::<RecentProject>(&mut out);
    one::<core::sandbox::Mode>(&mut out);
    one::<RotationRow>(&mut out);
    one::<RotateRequest>(&mut out);
    one::<RotateResult>(&mut out);
    one::<RotationPolicyRequest>(&mut out);
    one::<LeakInfo>(&mut out);
    one::<core::sweep::Status>(&mut out);
    one::<core::sweep::Form>(&mut out);
    one::<SweepRequest>(&mut out);
    one::<SweepView>(&mut out);
    one::<LeakGroup>(&mut out);
    one::<LeakPlace>(&mut out);
    one::<SweepProgress>(&mut out);
    one::<RedactRequest>(&mut out);
    one::<RedactResult>(&mut out);
    one::<AgentToolsView>(&mut out);
    one::<ToolInfo>(&mut out);
    one::<ServerInfo>(&mut out);
    one::<ServerRequest>(&mut out);
    one::<ProtectResult>(&mut out);
    let mut text =
        String::from("// Generated from src-tauri: the names of the events the app emits. Do not edit.\n");
    for (constant, name, doc) in events::EVENTS {
        text.push_str(&format!("\n/** {doc} */\nexport const {constant} = {name:?};\n"));
    }
    out.push(("events.ts".to_owned(), text));
    out
}
