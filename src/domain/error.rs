//! Why the hall refuses a request, in words a clerk or citizen understands,
//! with a stable code and a kind that callers match on.

use super::case::CaseState;
use super::ids::{CounterNo, QueuePrefix, ServiceCode, StaffId, TicketNumber};
use super::pin::PinWeakness;
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
    #[error("该工号没有被锁定")]
    NotLocked,
    #[error("原密码错误")]
    WrongOldPin,
    #[error("新密码太简单：{}", .0.message())]
    WeakPin(PinWeakness),
    #[error("新密码不能与原密码相同")]
    SamePin,
    #[error("该岗位不能在 {counter} 号窗口登录")]
    WrongCounterKind { counter: CounterNo },
    #[error("{counter} 号窗口已有工作人员 {staff} 登录")]
    CounterTaken { counter: CounterNo, staff: StaffId },
    #[error("身份证号码{0}")]
    InvalidIdNumber(String),
    #[error("{0}")]
    InvalidApplicant(String),
    #[error("没有这个办件")]
    UnknownCase,
    #[error("办件当前状态为{}，不能进行此操作", case_state_name(*.0))]
    CaseWrongState(CaseState),
    #[error("该办件不属于您的部门")]
    NotYourDepartment,
    #[error("该办件由其他审批人员认领")]
    NotYourCase,
    #[error("{0}")]
    RoleCannot(&'static str),
    #[error("还缺少必需材料：{}，请出具一次性告知书", .0.join("、"))]
    MaterialsMissing(Vec<String>),
    #[error("必需材料已齐全，请直接受理")]
    NothingMissing,
    #[error("办事指南中没有材料“{0}”")]
    UnknownMaterial(String),
    #[error("{0} 号窗口当前没有正在办理的群众")]
    NotServing(CounterNo),
    #[error("补正只能要求一次")]
    CorrectionUsed,
    #[error("已有待批准的延期申请")]
    ExtensionPending,
    #[error("本办件已延期过一次，不能再申请")]
    ExtensionUsed,
    #[error("没有待批准的延期申请")]
    NoExtensionPending,
    #[error("天数应为 1 至 {0} 个工作日，且不早于受理日")]
    BadDays(u32),
    #[error("不计时间应在受理日之后，止日不早于起日，且距起日和今日均不超过 {0} 天")]
    BadSpan(u32),
    #[error("一个办件最多登记 {0} 段不计时间")]
    TooManySpans(usize),
    #[error("交付方式与办件登记的不符")]
    WrongDelivery,
    #[error("办件尚未审批通过，暂不能领取")]
    CaseNotReady,
    #[error("评价应为 1 至 5 分")]
    InvalidRating,
    #[error("已经评价过了，感谢您的评价")]
    AlreadyRated,
    #[error("办理完毕后才能评价")]
    NotRateable,
    #[error("办件编号与证件号码或手机号后四位不符")]
    ProofMismatch,
    #[error("没有这条待整改的差评")]
    UnknownRectification,
    #[error("一次最多 {0} 项")]
    TooManyItems(usize),
    #[error("该办件已取号，请留意叫号")]
    PickupTaken,
    #[error("大厅没有设置统一出件队列")]
    NoPickupQueue,
    #[error("{0} 不提供预约")]
    NotBookable(ServiceCode),
    #[error("{0}")]
    InvalidSlot(String),
    #[error("该时段已约满，请选择其他时段")]
    SlotFull,
    #[error("您当天已预约该事项，如需改约请先取消原预约")]
    AlreadyBooked,
    #[error("您近 {days} 天内有 {count} 次预约未签到，{until} 前暂停预约")]
    BookingSuspended {
        count: u32,
        days: i64,
        until: chrono::NaiveDate,
    },
    #[error("预约码已被占用，请重试")]
    BookingCodeTaken,
    #[error("没有找到这个预约，请核对后重新输入")]
    UnknownBooking,
    #[error("{0}")]
    CancelClosed(String),
    #[error("请于 {0} 后再来签到")]
    TooEarly(String),
    #[error("{0}")]
    CheckinClosed(String),
}

fn case_state_name(state: CaseState) -> &'static str {
    match state {
        CaseState::AwaitingMaterials => "待补齐材料",
        CaseState::Refused => "不予受理",
        CaseState::Accepted => "已受理待认领",
        CaseState::InReview => "审查中",
        CaseState::Correction => "待补正",
        CaseState::Approved => "已办结待领取",
        CaseState::Rejected => "不予许可",
        CaseState::Closed => "已办结",
    }
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

/// Every code [`QueueError::code`] gives, for clients that must have words
/// for each.
const CODES: &[&str] = &[
    "unknown_service",
    "unknown_queue",
    "unknown_counter",
    "unknown_ticket",
    "unknown_staff",
    "daily_cap_reached",
    "pickup_queue",
    "not_your_counter",
    "counter_paused",
    "counter_not_paused",
    "counter_busy",
    "no_current_ticket",
    "nobody_waiting",
    "wrong_ticket_state",
    "recalls_needed",
    "late_window_passed",
    "not_served_here",
    "transfer_to_self",
    "transfer_to_pickup",
    "reason_required",
    "reason_too_long",
    "wrong_pin",
    "staff_locked",
    "not_locked",
    "wrong_old_pin",
    "weak_pin",
    "same_pin",
    "wrong_counter_kind",
    "counter_taken",
    "invalid_id_number",
    "invalid_applicant",
    "unknown_case",
    "wrong_case_state",
    "not_your_department",
    "not_your_case",
    "forbidden",
    "materials_missing",
    "nothing_missing",
    "unknown_material",
    "not_serving",
    "correction_used",
    "extension_pending",
    "extension_used",
    "no_extension_pending",
    "bad_days",
    "bad_span",
    "too_many_spans",
    "wrong_delivery",
    "case_not_ready",
    "invalid_rating",
    "already_rated",
    "not_rateable",
    "proof_mismatch",
    "unknown_rectification",
    "too_many_items",
    "pickup_taken",
    "no_pickup_queue",
    "not_bookable",
    "invalid_slot",
    "slot_full",
    "already_booked",
    "booking_suspended",
    "booking_code_taken",
    "unknown_booking",
    "cancel_closed",
    "too_early",
    "checkin_closed",
];

impl QueueError {
    /// Every code a refusal of the hall can carry: a client shows a refusal
    /// by its code, in its own words, and checks it has words for each.
    pub fn all_codes() -> &'static [&'static str] {
        CODES
    }

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
            E::NotLocked => "not_locked",
            E::WrongOldPin => "wrong_old_pin",
            E::WeakPin(_) => "weak_pin",
            E::SamePin => "same_pin",
            E::WrongCounterKind { .. } => "wrong_counter_kind",
            E::CounterTaken { .. } => "counter_taken",
            E::InvalidIdNumber(_) => "invalid_id_number",
            E::InvalidApplicant(_) => "invalid_applicant",
            E::UnknownCase => "unknown_case",
            E::CaseWrongState(_) => "wrong_case_state",
            E::NotYourDepartment => "not_your_department",
            E::NotYourCase => "not_your_case",
            E::RoleCannot(_) => "forbidden",
            E::MaterialsMissing(_) => "materials_missing",
            E::NothingMissing => "nothing_missing",
            E::UnknownMaterial(_) => "unknown_material",
            E::NotServing(_) => "not_serving",
            E::CorrectionUsed => "correction_used",
            E::ExtensionPending => "extension_pending",
            E::ExtensionUsed => "extension_used",
            E::NoExtensionPending => "no_extension_pending",
            E::BadDays(_) => "bad_days",
            E::BadSpan(_) => "bad_span",
            E::TooManySpans(_) => "too_many_spans",
            E::WrongDelivery => "wrong_delivery",
            E::CaseNotReady => "case_not_ready",
            E::InvalidRating => "invalid_rating",
            E::AlreadyRated => "already_rated",
            E::NotRateable => "not_rateable",
            E::ProofMismatch => "proof_mismatch",
            E::UnknownRectification => "unknown_rectification",
            E::TooManyItems(_) => "too_many_items",
            E::PickupTaken => "pickup_taken",
            E::NoPickupQueue => "no_pickup_queue",
            E::NotBookable(_) => "not_bookable",
            E::InvalidSlot(_) => "invalid_slot",
            E::SlotFull => "slot_full",
            E::AlreadyBooked => "already_booked",
            E::BookingSuspended { .. } => "booking_suspended",
            E::BookingCodeTaken => "booking_code_taken",
            E::UnknownBooking => "unknown_booking",
            E::CancelClosed(_) => "cancel_closed",
            E::TooEarly(_) => "too_early",
            E::CheckinClosed(_) => "checkin_closed",
        }
    }

    pub fn kind(&self) -> ErrorKind {
        use QueueError as E;
        match self {
            E::UnknownService(_)
            | E::UnknownQueue(_)
            | E::UnknownCounter(_)
            | E::UnknownTicket
            | E::UnknownStaff(_)
            | E::UnknownCase
            | E::UnknownRectification
            | E::NotBookable(_)
            | E::UnknownBooking => ErrorKind::NotFound,
            E::NotYourDepartment | E::NotYourCase | E::RoleCannot(_) | E::ProofMismatch => {
                ErrorKind::Forbidden
            }
            E::InvalidIdNumber(_)
            | E::InvalidApplicant(_)
            | E::UnknownMaterial(_)
            | E::BadDays(_)
            | E::BadSpan(_)
            | E::InvalidRating
            | E::TooManyItems(_)
            | E::InvalidSlot(_) => ErrorKind::Invalid,
            E::CaseWrongState(_)
            | E::MaterialsMissing(_)
            | E::NothingMissing
            | E::NotServing(_)
            | E::CorrectionUsed
            | E::TooManySpans(_)
            | E::ExtensionPending
            | E::ExtensionUsed
            | E::NoExtensionPending
            | E::WrongDelivery
            | E::CaseNotReady
            | E::PickupTaken
            | E::NoPickupQueue
            | E::AlreadyRated
            | E::NotRateable
            | E::SlotFull
            | E::AlreadyBooked
            | E::BookingSuspended { .. }
            | E::BookingCodeTaken
            | E::CancelClosed(_)
            | E::TooEarly(_)
            | E::CheckinClosed(_) => ErrorKind::Conflict,
            E::NotYourCounter(_) | E::WrongCounterKind { .. } => ErrorKind::Forbidden,
            E::ReasonRequired | E::ReasonTooLong(_) | E::TransferToSelf => ErrorKind::Invalid,
            E::WeakPin(_) | E::SamePin => ErrorKind::Invalid,
            E::WrongOldPin => ErrorKind::Forbidden,
            E::NotLocked => ErrorKind::Conflict,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes `code()` gives, read from its source: a new kind of
    /// refusal fails here until its code is in [`CODES`].
    #[test]
    fn every_code_is_listed_once() {
        let source = include_str!("error.rs");
        let start = source.find("pub fn code(&self)").unwrap();
        let end = source.find("pub fn kind(&self)").unwrap();
        let given: Vec<&str> = source[start..end]
            .split("=> \"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert_eq!(given, CODES);
        let mut codes = CODES.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CODES.len(), "each code names one kind");
        assert_eq!(QueueError::NobodyWaiting(1).code(), "nobody_waiting");
    }
}
