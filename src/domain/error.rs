//! Why the hall refuses a request, in words a clerk or citizen understands,
//! with a stable code and a kind that callers match on.

use super::ids::{CounterNo, QueuePrefix, ServiceCode, StaffId, TicketNumber};
use super::ticket::TicketState;

/// The broad reason, which the HTTP layer turns into a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Conflict,
    Forbidden,
    Invalid,
    Unauthorized,
    Locked,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum QueueError {
    #[error("没有编码为 {0} 的服务事项")]
    UnknownService(ServiceCode),
    #[error("没有 {0} 队列")]
    UnknownQueue(QueuePrefix),
    #[error("没有 {0} 号窗口")]
    UnknownCounter(CounterNo),
    #[error("没有这张号票")]
    UnknownTicket,
    #[error("没有工号为 {0} 的工作人员")]
    UnknownStaff(StaffId),
    #[error("今日{name}（{queue}）号已发完，请明日再来或咨询导办人员")]
    DailyCapReached { queue: QueuePrefix, name: String },
    #[error("{0} 队列为统一出件取件号，请凭办件编号取号")]
    PickupQueue(QueuePrefix),
    #[error("{0} 号窗口不是您登录的窗口")]
    NotYourCounter(CounterNo),
    #[error("{0} 号窗口已暂停服务")]
    CounterPaused(CounterNo),
    #[error("{0} 号窗口未暂停")]
    CounterNotPaused(CounterNo),
    #[error("请先办结当前号 {number}")]
    CounterBusy { number: TicketNumber },
    #[error("{0} 号窗口当前没有号")]
    NoCurrentTicket(CounterNo),
    #[error("当前没有等候的群众（{0} 号窗口）")]
    NobodyWaiting(CounterNo),
    #[error("{number} 当前状态为{}，不能进行此操作", state_name(*.state))]
    WrongTicketState {
        number: TicketNumber,
        state: TicketState,
    },
    #[error("{number} 还需重呼 {remaining} 次才能标记过号")]
    RecallsNeeded {
        number: TicketNumber,
        remaining: u32,
    },
    #[error("{number} 过号已超过 {minutes} 分钟，请重新取号")]
    LateWindowPassed { number: TicketNumber, minutes: i64 },
    #[error("{number} 不在 {counter} 号窗口办理的队列中")]
    NotServedHere {
        number: TicketNumber,
        counter: CounterNo,
    },
    #[error("不能转给本窗口")]
    TransferToSelf,
    #[error("{0} 号窗口为统一出件窗口，只办理取件")]
    TransferToPickup(CounterNo),
    #[error("请填写原因")]
    ReasonRequired,
    #[error("原因不能超过 {0} 个字，且不能含控制字符")]
    ReasonTooLong(usize),
    #[error("工号或密码错误")]
    WrongPin,
    #[error("密码错误次数过多，该工号已锁定，请 {minutes} 分钟后再试")]
    StaffLocked { minutes: i64 },
    #[error("该岗位不能在 {counter} 号窗口登录")]
    WrongCounterKind { counter: CounterNo },
    #[error("{counter} 号窗口已有工作人员 {staff} 登录")]
    CounterTaken { counter: CounterNo, staff: StaffId },
}

fn state_name(state: TicketState) -> &'static str {
    match state {
        TicketState::Waiting => "等候中",
        TicketState::Called => "已叫号",
        TicketState::Serving => "办理中",
        TicketState::Finished => "已办结",
        TicketState::NoShow => "已过号",
        TicketState::Expired => "已作废",
    }
}

impl QueueError {
    /// A code that stays the same whatever the wording, for programs.
    pub fn code(&self) -> &'static str {
        use QueueError as E;
        match self {
            E::UnknownService(_) => "unknown_service",
            E::UnknownQueue(_) => "unknown_queue",
            E::UnknownCounter(_) => "unknown_counter",
            E::UnknownTicket => "unknown_ticket",
            E::UnknownStaff(_) => "unknown_staff",
            E::DailyCapReached { .. } => "daily_cap_reached",
            E::PickupQueue(_) => "pickup_queue",
            E::NotYourCounter(_) => "not_your_counter",
            E::CounterPaused(_) => "counter_paused",
            E::CounterNotPaused(_) => "counter_not_paused",
            E::CounterBusy { .. } => "counter_busy",
            E::NoCurrentTicket(_) => "no_current_ticket",
            E::NobodyWaiting(_) => "nobody_waiting",
            E::WrongTicketState { .. } => "wrong_ticket_state",
            E::RecallsNeeded { .. } => "recalls_needed",
            E::LateWindowPassed { .. } => "late_window_passed",
            E::NotServedHere { .. } => "not_served_here",
            E::TransferToSelf => "transfer_to_self",
            E::TransferToPickup(_) => "transfer_to_pickup",
            E::ReasonRequired => "reason_required",
            E::ReasonTooLong(_) => "reason_too_long",
            E::WrongPin => "wrong_pin",
            E::StaffLocked { .. } => "staff_locked",
            E::WrongCounterKind { .. } => "wrong_counter_kind",
            E::CounterTaken { .. } => "counter_taken",
        }
    }

    pub fn kind(&self) -> ErrorKind {
        use QueueError as E;
        match self {
            E::UnknownService(_)
            | E::UnknownQueue(_)
            | E::UnknownCounter(_)
            | E::UnknownTicket
            | E::UnknownStaff(_) => ErrorKind::NotFound,
            E::NotYourCounter(_) | E::WrongCounterKind { .. } => ErrorKind::Forbidden,
            E::ReasonRequired | E::ReasonTooLong(_) | E::TransferToSelf => ErrorKind::Invalid,
            E::WrongPin => ErrorKind::Unauthorized,
            E::StaffLocked { .. } => ErrorKind::Locked,
            E::DailyCapReached { .. }
            | E::PickupQueue(_)
            | E::CounterPaused(_)
            | E::CounterNotPaused(_)
            | E::CounterBusy { .. }
            | E::NoCurrentTicket(_)
            | E::NobodyWaiting(_)
            | E::WrongTicketState { .. }
            | E::RecallsNeeded { .. }
            | E::LateWindowPassed { .. }
            | E::TransferToPickup(_)
            | E::NotServedHere { .. }
            | E::CounterTaken { .. } => ErrorKind::Conflict,
        }
    }
}
