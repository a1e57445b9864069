//! What the broker records: every request, in the audit log beside the run's grant, and
//! to the front end's listener. Writing happens on a thread of its own, so a request
//! never waits for the disk, and every record is written before the run's end is.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use super::{Listener, Request};
use crate::audit::{Access, AuditLog, Event};

/// Where a brokered run's records go.
pub(crate) struct Recorder {
    /// The audit log and the run's grant.
    pub audit: Option<(Arc<AuditLog>, Event)>,
    /// The front end's listener.
    pub listener: Option<Listener>,
}

/// What the recording thread is sent.
pub(super) enum Message {
    /// A request to record.
    Request(Request),
    /// Everything is sent: stop.
    Stop,
}

/// The recording thread of a running broker.
pub(super) struct Records {
    sender: mpsc::Sender<Message>,
    thread: Option<JoinHandle<Option<String>>>,
}

impl Records {
    /// Starts recording for `recorder`.
    pub fn start(recorder: Recorder) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel::<Message>();
        let thread = std::thread::Builder::new().name("latchkey-broker-audit".into()).spawn(move || {
            let mut failed = None;
            for message in receiver {
                let Message::Request(request) = message else { break };
                if let Some(listener) = &recorder.listener {
                    listener(&request);
                }
                if let Some((log, grant)) = &recorder.audit {
                    let access = if request.problem.is_some() && matches!(request.status, 403 | 407) {
                        Access::Refused
                    } else {
                        Access::Request
                    };
                    let event = Event {
                        profile: grant.profile.clone(),
                        env: grant.env.clone(),
                        grant: grant.grant,
                        names: request.names.clone(),
                        method: Some(request.method.clone()),
                        host: Some(request.host.clone()),
                        path: Some(request.path.clone()),
                        status: Some(request.status),
                        sent: Some(request.sent),
                        received: Some(request.received),
                        reason: request.problem.clone(),
                        ..Event::default()
                    };
                    if let Err(e) = log.append(access, event) {
                        failed.get_or_insert_with(|| {
                            format!("the broker's requests were not all recorded in the audit log: {e}")
                        });
                    }
                }
            }
            failed
        })?;
        Ok(Self { sender, thread: Some(thread) })
    }

    /// A sender for the proxy.
    pub fn sender(&self) -> mpsc::Sender<Message> {
        self.sender.clone()
    }

    /// Writes what was sent before and stops. Why some record was not written, if so.
    pub fn finish(mut self) -> Option<String> {
        let _ = self.sender.send(Message::Stop);
        self.thread.take().and_then(|t| t.join().ok().flatten())
    }
}
