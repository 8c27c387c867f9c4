/// The state of one school's academic year.
///
/// `open` (being prepared) -> `in_progress` (lessons run) -> `closing` (final grades, data frozen) -> `closed`
/// (archived, read-only). The raw values are the names used on the wire, in the database and in the audit log.
public enum YearState: String, ClosedSet, Hashable {
    case open
    case inProgress = "in_progress"
    case closing
    case closed

    /// True for the states of which a school may have at most one year at a time.
    public var isActive: Bool { self == .inProgress || self == .closing }
}

/// An event that moves a year from one state to another.
public enum YearEvent: String, ClosedSet, Hashable {
    /// open -> in_progress: lessons begin.
    case start
    /// in_progress -> closing: final grades and promotion decisions.
    case beginClosing = "begin-closing"
    /// closing -> in_progress, with a reason.
    case reopen
    /// closing -> closed: reached only through the year rollover.
    case close
    /// closed -> closing: the undo of a year rollover, while the new year holds nothing made after it.
    case undoRollover = "undo-rollover"
}
