// The names of the closed sets as a person reads them. English keeps the wire's words (`in_progress`), which the
// English output has always shown; other languages name them as the school's paperwork does (`domain.md`, the law's
// words for promotion outcomes). `--json` never uses these: it carries the raw values.

extension YearState {
    /// The state's name in `l`'s language (Russian: открыт, идёт, закрывается, закрыт).
    public func name(_ l: Localizer) -> String {
        switch self {
        case .open: l.trc("year state", "open")
        case .inProgress: l.trc("year state", "in_progress")
        case .closing: l.trc("year state", "closing")
        case .closed: l.trc("year state", "closed")
        }
    }
}

extension YearEvent {
    /// The event's name in `l`'s language.
    public func name(_ l: Localizer) -> String {
        switch self {
        case .start: l.trc("year event", "start")
        case .beginClosing: l.trc("year event", "begin-closing")
        case .reopen: l.trc("year event", "reopen")
        case .close: l.trc("year event", "close")
        case .undoRollover: l.trc("year event", "undo-rollover")
        }
    }
}

extension RequestStatus {
    /// The status's name in `l`'s language.
    public func name(_ l: Localizer) -> String {
        switch self {
        case .pending: l.trc("request status", "pending")
        case .approved: l.trc("request status", "approved")
        case .rejected: l.trc("request status", "rejected")
        case .cancelled: l.trc("request status", "cancelled")
        case .expired: l.trc("request status", "expired")
        }
    }
}

extension Role {
    /// The role's name in `l`'s language (Russian: координатор, сетевой администратор, секретарь, учитель,
    /// наблюдатель).
    public func name(_ l: Localizer) -> String {
        switch self {
        case .coordinator: l.trc("role", "coordinator")
        case .admin: l.trc("role", "admin")
        case .secretary: l.trc("role", "secretary")
        case .teacher: l.trc("role", "teacher")
        case .auditor: l.trc("role", "auditor")
        }
    }
}

extension Severity {
    /// The severity's name in `l`'s language.
    public func name(_ l: Localizer) -> String {
        switch self {
        case .error: l.trc("severity", "error")
        case .warning: l.trc("severity", "warning")
        }
    }
}

extension ReadinessTarget {
    /// What the target is, as a verb phrase after "ready to" in English.
    public func name(_ l: Localizer) -> String {
        switch self {
        case .start: l.trc("readiness target", "start")
        case .close: l.trc("readiness target", "close")
        }
    }
}

extension PromotionOutcome {
    /// The outcome's name in `l`'s language, as the law says it in Russian (переведён, переведён условно, оставлен
    /// на повторное обучение, выпущен, выбыл).
    public func name(_ l: Localizer) -> String {
        switch self {
        case .promoted: l.trc("promotion outcome", "promoted")
        case .conditional: l.trc("promotion outcome", "conditional")
        case .retained: l.trc("promotion outcome", "retained")
        case .adapted: l.trc("promotion outcome", "adapted")
        case .graduated: l.trc("promotion outcome", "graduated")
        case .left: l.trc("promotion outcome", "left")
        case .transferred: l.trc("promotion outcome", "transferred")
        }
    }
}

extension OrderKind {
    /// The kind of order as the school's order book names it (Russian: о зачислении, об отчислении, ...).
    public func name(_ l: Localizer) -> String {
        switch self {
        case .enrollment: l.trc("order kind", "enrollment")
        case .transferIn: l.trc("order kind", "transfer_in")
        case .classChange: l.trc("order kind", "class_change")
        case .withdrawal: l.trc("order kind", "withdrawal")
        case .transferOut: l.trc("order kind", "transfer_out")
        case .graduation: l.trc("order kind", "graduation")
        case .promotion: l.trc("order kind", "promotion")
        case .conditionalPromotion: l.trc("order kind", "conditional_promotion")
        case .retention: l.trc("order kind", "retention")
        case .adaptedProgramme: l.trc("order kind", "adapted_programme")
        }
    }
}

extension CheckPhase {
    /// When a check applies, in `l`'s language.
    public func name(_ l: Localizer) -> String {
        switch self {
        case .always: l.trc("check phase", "always")
        case .start: l.trc("check phase", "start")
        case .close: l.trc("check phase", "close")
        }
    }
}

extension RolloverState {
    /// Whether a rollover stands or was undone, in `l`'s language.
    public func name(_ l: Localizer) -> String {
        switch self {
        case .applied: l.trc("rollover state", "applied")
        case .undone: l.trc("rollover state", "undone")
        }
    }
}
