//! The words the kiosk composes from data, in Chinese or English. Fixed
//! labels live in the .slint files (`@tr`) and their translation in
//! `ui/translations/`.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use crate::api::{Guide, ItemKind, Material};
use crate::api::{IssuedTicket, QueueInfo};

/// Picks the Chinese or the English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lang {
    pub english: bool,
}

impl Lang {
    fn pick(self, zh: String, en: String) -> String {
        if self.english { en } else { zh }
    }

    pub fn clock(self, now: DateTime<Utc>, zone: Tz) -> String {
        let local = now.with_timezone(&zone);
        let weekday = local.weekday().num_days_from_monday() as usize;
        self.pick(
            format!(
                "{} 星期{} {}",
                local.format("%Y年%-m月%-d日"),
                ["一", "二", "三", "四", "五", "六", "日"][weekday],
                local.format("%H:%M")
            ),
            local.format("%a %-d %b %Y  %H:%M").to_string(),
        )
    }

    pub fn queue_status(self, q: &QueueInfo) -> String {
        if q.remaining_today == 0 {
            return self.pick("今日号已发完".into(), "No tickets left today".into());
        }
        self.pick(
            format!(
                "等候 {} 人 · 约 {} 分钟",
                q.waiting, q.estimated_wait_minutes
            ),
            format!(
                "{} waiting · about {} min",
                q.waiting, q.estimated_wait_minutes
            ),
        )
    }

    pub fn count(self, n: usize) -> String {
        self.pick(format!("{n} 项"), format!("{n} services"))
    }

    pub fn kind(self, g: &Guide) -> String {
        match (g.kind, self.english) {
            (ItemKind::Immediate, false) => "即办件".into(),
            (ItemKind::Immediate, true) => "Done on the spot".into(),
            (ItemKind::Promised, false) => format!("承诺件 · {} 个工作日", g.promised_days),
            (ItemKind::Promised, true) => format!("Ready in {} working days", g.promised_days),
        }
    }

    pub fn guide_row(self, g: &Guide, department: &str) -> String {
        format!("{} · {department}", self.kind(g))
    }

    pub fn facts(self, g: &Guide) -> Vec<String> {
        vec![self.kind(g), self.visits(g), self.online(g)]
    }

    pub fn material(self, m: &Material) -> String {
        match (m.originals, m.copies, self.english) {
            (0, 0, false) => "按需提供".into(),
            (0, 0, true) => "As needed".into(),
            (o, 0, false) => format!("原件 {o} 份"),
            (0, c, false) => format!("复印件 {c} 份"),
            (o, c, false) => format!("原件 {o} 份，复印件 {c} 份"),
            (o, c, true) => format!("{o} original(s), {c} copy(ies)"),
        }
    }

    pub fn time_limit(self, g: &Guide) -> String {
        match g.kind {
            ItemKind::Immediate => self.pick(
                format!("即来即办（法定时限 {} 个工作日）", g.statutory_days),
                format!(
                    "Done while you wait (statutory limit {} working days)",
                    g.statutory_days
                ),
            ),
            ItemKind::Promised => self.pick(
                format!(
                    "承诺 {} 个工作日办结（法定 {} 个工作日）",
                    g.promised_days, g.statutory_days
                ),
                format!(
                    "Promised in {} working days (statutory {})",
                    g.promised_days, g.statutory_days
                ),
            ),
        }
    }

    pub fn fees(self, g: &Guide) -> String {
        self.pick(format!("收费：{}", g.fees), format!("Fees: {}", g.fees))
    }

    pub fn place(self, g: &Guide) -> String {
        self.pick(format!("地点：{}", g.place), format!("Place: {}", g.place))
    }

    pub fn hours(self, g: &Guide) -> String {
        self.pick(format!("时间：{}", g.hours), format!("Hours: {}", g.hours))
    }

    pub fn phone(self, g: &Guide) -> String {
        self.pick(
            format!("咨询电话：{}", g.phone),
            format!("Phone: {}", g.phone),
        )
    }

    pub fn visits(self, g: &Guide) -> String {
        match (g.visits, self.english) {
            (0, false) => "零跑动".into(),
            (0, true) => "No visit needed".into(),
            (n, false) => format!("最多跑 {n} 次"),
            (n, true) => format!("At most {n} visit(s)"),
        }
    }

    pub fn online(self, g: &Guide) -> String {
        let zh = ["信息公开", "在线预审", "网上受理", "全程网办"];
        let en = [
            "information online",
            "online pre-check",
            "apply online",
            "all online",
        ];
        let i = usize::from(g.online_depth.clamp(1, 4)) - 1;
        self.pick(format!("网办深度：{}", zh[i]), format!("Online: {}", en[i]))
    }

    pub fn no_results(self, query: &str) -> String {
        if query.is_empty() {
            self.pick(
                "用下方键盘输入事项名称的拼音或首字母，例如 yyzz（营业执照）".into(),
                "Type the pinyin or its initials, such as yyzz (business licence)".into(),
            )
        } else {
            self.pick(
                format!("没有找到“{query}”，请换个说法，或到咨询台询问"),
                format!("Nothing found for “{query}”: try other words, or ask at the help desk"),
            )
        }
    }

    pub fn ahead(self, t: &IssuedTicket) -> String {
        self.pick(
            format!("前面还有 {} 人", t.ahead),
            format!("{} ahead of you", t.ahead),
        )
    }

    pub fn wait(self, t: &IssuedTicket) -> String {
        self.pick(
            format!("预计等候约 {} 分钟", t.estimated_wait_minutes),
            format!("About {} min to wait", t.estimated_wait_minutes),
        )
    }

    pub fn issued_at(self, t: &IssuedTicket, zone: Tz) -> String {
        let local = t.issued_at.with_timezone(&zone);
        self.pick(
            format!("取号时间 {}", local.format("%Y-%m-%d %H:%M:%S")),
            format!("Issued {}", local.format("%Y-%m-%d %H:%M:%S")),
        )
    }

    /// What every ticket says about a missed call.
    pub fn notice(self) -> String {
        self.pick(
            "请留意叫号。叫号三次未到视为过号，过号需重新取号（30 分钟内可到窗口申请恢复）。".into(),
            "Please watch for your number. Called three times and not there, you need a new ticket \
             (within 30 minutes a counter can put you back in line)."
                .into(),
        )
    }

    /// The ticket is valid although it was not printed.
    pub fn print_problem(self, why: &str) -> String {
        self.pick(
            format!("{why}，号票未能打印。您的号票依然有效：请用手机拍下本页（含二维码）保存。"),
            format!("{why}: the ticket could not be printed. It is still valid — please take a photo of this screen, QR code included."),
        )
    }

    pub fn countdown(self, seconds: u32) -> String {
        self.pick(
            format!("{seconds} 秒后自动返回首页"),
            format!("Back to the start in {seconds} s"),
        )
    }

    pub fn unreachable(self) -> (String, String) {
        (
            self.pick("暂时无法取号".into(), "Tickets are unavailable for now".into()),
            self.pick(
                "取号机与服务器的连接中断，正在自动重连。办事指南仍可查看；如急需办理，请到咨询台。".into(),
                "The kiosk lost its connection and is reconnecting. Service guides can still be read; if it is urgent, please go to the help desk.".into(),
            ),
        )
    }

    pub fn refused(self, message: &str) -> (String, String) {
        (
            self.pick("未能取号".into(), "No ticket issued".into()),
            message.to_owned(),
        )
    }
}
