import Foundation

// Why a parameter of a call was refused (`YearError.invalid`), said in the caller's language: the daemon keeps the
// English sentence in the error's `message` and `reason`, and sends the note beside it.

extension Note {
    /// The sentence of a refused parameter, or nil for a code that is not one.
    static func refusalMessage(_ code: String, _ p: [String: String], _ count: Int, _ l: Localizer) -> String? {
        Self.valueRefusal(code, p, l) ?? Self.stateRefusal(code, p, count, l)
    }

    /// A value that is malformed, out of range or too long.
    static func valueRefusal(_ code: String, _ p: [String: String], _ l: Localizer) -> String? {
        switch code {
        case "school-required": l.tr("name the school with --school")
        case "year-label": l.tr("expected two consecutive years like 2026/2027, got '{got}'", p)
        case "grade-twice": l.tr("grade {grade} is named twice", p)
        case "iso-date": l.tr("expected a date as YYYY-MM-DD, got '{got}'", p)
        case "school-date": l.tr("expected a date as 2026-09-01 or 01.09.2026, got '{got}'", p)
        case "date-before-from": l.tr("expected a date on or after the first day of the period, got '{got}'", p)
        case "class-name": l.tr("'{got}' is not a class name such as 10А (grade and one letter)", p)
        case "hex-hash": l.tr("expected 64 lowercase hex digits")
        case "accept-needs-reason": l.tr("accepting errors of the readiness report needs a written reason")
        case "text-required": l.tr("a non-empty value is required")
        case "text-too-long": l.tr("at most {max} characters", p)
        case "text-control": l.tr("control characters are not allowed")
        case "one-line": l.tr("one line of at most {max} characters", p)
        case "between": l.tr("must be between {min} and {max}", p)
        case "base64": l.tr("expected base64")
        case "part-too-large": l.tr("at most {kib} KiB per part", p)
        case "upload-hash": l.tr("the upload's SHA-256 is {actual}, not {expected}: upload it again", p)
        case "uploads-per-uid":
            l.tr(
                "your uploads in progress would hold more than your {size} (upload_max_bytes_per_uid); import them, or wait for them to expire an hour after their last part",
                p)
        case "uploads-total":
            l.tr(
                "the uploads in progress of all users would hold more than {size} (upload_max_bytes); try again when theirs are imported",
                p)
        case "uploads-disk":
            l.tr(
                "the disk of yeard's state directory would have less than {size} free; the system administrator must free space first",
                p)
        case "uploads-count":
            l.tr(
                "you have {count} uploads in progress (max_uploads_per_uid); import them, or wait for them to expire an hour after their last part",
                p)
        case "no-column": l.tr("{kind} has no column '{column}' (it has: {columns})", p)
        case "bad-cursor": l.tr("not a cursor that this export returned; start again without --after")
        case "name-a-check": l.tr("name at least one check")
        case "kind-not-imported": l.tr("importing {kind} is not available; available: {kinds}", p)
        case "kind-not-exported": l.tr("exporting {kind} is not available", p)
        case "default-dates": l.tr("the school's default dates do not fit {year}; give the dates", p)
        case "start-not-in-first": l.tr("{date} is not in {first}, the first calendar year of {year}", p)
        case "end-not-in-second": l.tr("{date} is not in {second}, the second calendar year of {year}", p)
        case "end-before-start": l.tr("{date} is not after the start {start}", p)
        case "grade-not-taught": l.tr("grade {grade} is not taught at {school} ({first}-{last})", p)
        case "grade-end-out": l.tr("grade {grade}'s last day {date} must fall after the start {start}, in {second}", p)
        case "date-outside-year":
            l.tr("{date} is not a day of the year {year}: its days are {first_day} to {last_day}", p)
        default: nil
        }
    }

    /// A parameter that names something absent, or a year in a state that does not allow the call.
    static func stateRefusal(_ code: String, _ p: [String: String], _ count: Int, _ l: Localizer) -> String? {
        switch code {
        case "name-school":
            l.trn(
                "this instance serves {count} school; name one", "this instance serves {count} schools; name one",
                count, p)
        case "name-your-school":
            l.trn(
                "this instance serves {count} school; name one (yours: {schools})",
                "this instance serves {count} schools; name one (yours: {schools})", count, p)
        case "name-report-school":
            l.trn(
                "you may see {count} school; name one with --school, or report on every one with --all-schools ({schools})",
                "you may see {count} schools; name one with --school, or report on every one with --all-schools ({schools})",
                count, p)
        case "unknown-check":
            l.trn(
                "no check {checks} in the catalogue; see 'yearctl checks list'",
                "no checks {checks} in the catalogue; see 'yearctl checks list'", count, p)
        case "no-checks-run": l.tr("school {school} has no run of checks yet; run them with 'yearctl checks run'", p)
        case "no-year-to-check": l.tr("school {school} has no year to check; create one with 'yearctl year create'", p)
        case "name-the-year":
            l.trn(
                "school {school} has no active year and {count} open one: name the year",
                "school {school} has no active year and {count} open ones: name the year", count, p)
        case "no-year-yet": l.tr("school {school} has no year yet; see 'yearctl year create'", p)
        case "no-such-year": l.tr("school {school} has no year '{year}'; see 'yearctl year list'", p)
        case "no-class-students":
            l.tr("the year {year} of {school} has no class {class} with students; see 'yearctl movement'", p)
        case "no-student-in-year":
            l.tr("student {student} is in no class of the year {year} on {date}; see 'yearctl movement'", p)
        case "no-order":
            l.tr("school {school} has no order {number} in the year {year}; 'yearctl report orders' lists them", p)
        case "no-guardian": l.tr("no guardian {guardian} of student {student} at {school}", p)
        case "year-closed": l.tr("the year {year} is closed: its data are read-only", p)
        case "year-closing-frozen":
            l.tr(
                "the year {year} is closing: its {kind} are frozen, and only year grades, decisions, certificates, retakes and year-end orders (departures and continuations) change now; to correct them, reopen the year ('yearctl year reopen')",
                p)
        case "no-year-to-roll-over": l.tr("school {school} has no year in progress or closing to roll over", p)
        case "rollover-planned-from": l.tr("year {year} is {state}: a rollover is planned from in progress on", p)
        case "rollover-requested-when-closing":
            l.tr(
                "year {year} is {state}: a rollover is requested when the year is closing (it can be previewed from in progress on with 'yearctl rollover plan')",
                p)
        case "plan-frozen": l.tr("year {year} is not in progress or closing: its rollover plan cannot change", p)
        case "no-dates-after": l.tr("the school's calendar gives no dates for the year after {year}", p)
        case "no-class-in-year": l.tr("year {year} has no class {class}; see 'yearctl class list'", p)
        case "no-override": l.tr("class {class} has no override to remove", p)
        case "keep-needs-target": l.tr("a class to keep is named with a merge's target")
        case "keep-not-leading": l.tr("'{class}' does not lead to {target}; the classes that do: {classes}", p)
        case "keep-not-leading-none": l.tr("'{class}' does not lead to {target}; no class does", p)
        case "no-rollover-to-undo": l.tr("school {school} has no applied rollover to undo", p)
        case "no-rollover-closed": l.tr("no applied rollover closed year {year}; nothing to undo", p)
        case "undo-not-applied": l.tr("the rollover that request {request} names is not applied; nothing to undo", p)
        case "single-active-year":
            l.tr("year {year} of school {school} is {state}; a school has at most one year in progress or closing", p)
        case "reason-required": l.tr("a reason is required for this transition")
        default: nil
        }
    }
}
