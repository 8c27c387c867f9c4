/// The sentences of the checks' findings, in any language, from the parameters each check's query returns
/// (`CheckQueries`): the query finds, this says. A parameter that is a calendar day (`born`, `deadline`...) is
/// written as the language writes days; an outcome is named as the language names it.
///
/// A check not listed here still builds its English sentence in SQL (`message`), said as it is in every language;
/// those are moved here one by one.
public enum FindingMessages {
    /// The sentence of a finding of `check` with `params` in `l`'s language; nil when the check is not listed or a
    /// parameter it needs is missing (the stored English sentence is shown then).
    public static func message(check: String, params p: [String: String], _ l: Localizer) -> String? {
        // The parameters as the sentence shows them: days in the language's form, outcomes by their names.
        var a = p
        for key in ["born", "deadline", "withdrawn", "date", "day"] where p[key] != nil {
            a[key] = l.date(p[key] ?? "")
        }
        if let outcome = p["outcome"].flatMap(PromotionOutcome.init(rawValue:)) { a["outcome"] = outcome.name(l) }
        let variant = p["v"] ?? ""
        guard let text = sentence(check, variant, p, a, l) else { return nil }
        // A parameter the query did not give leaves its placeholder: then the stored English sentence is the safe
        // answer (a value holding braces reads the same way, and is shown as stored too).
        return Localizer.placeholders(in: text).isEmpty ? text : nil
    }

    private static func sentence(
        _ check: String, _ variant: String, _ p: [String: String], _ a: [String: String], _ l: Localizer
    ) -> String? {
        switch check {
        case "student.birth-date-missing":
            return l.tr("{name} ({class}) has no birth date", a)
        case "student.age-implausible":
            return l.tr(
                "{name} ({class}, born {born}) is {age} on 1 September; grade {grade} expects {min} to {max}", a)
        case "application.age-out-of-range":
            return variant == "young"
                ? l.tr(
                    "{name} (application {id}), born {born}, is {years} years {months} months on {day}: younger than 6 years 6 months; admission to grade 1 needs the founder's permission (273-FZ art. 67)",
                    a)
                : l.tr(
                    "{name} (application {id}), born {born}, is {years} years {months} months on {day}: 8 years or older; admission to grade 1 needs the founder's permission (273-FZ art. 67)",
                    a)
        case "student.duplicate":
            return l.tr("{name}, born {born}, is recorded {n} times: {records}", a)
        case "student.no-class":
            return l.tr("{name} is in no class of the year and has not left the school", a)
        case "student.no-guardian":
            return l.tr("{name} ({class}) has no guardian", a)
        case "guardian.no-contact":
            return l.tr("{name}, guardian of {children}, has neither a phone nor an email", a)
        case "guardian.phone-invalid":
            return l.tr("{name}, guardian of {children}: the phone '{phone}' is not a phone number", a)
        case "consent.missing":
            return p["withdrawn"] != nil
                ? l.tr("{name} ({class}) has only a consent withdrawn on {withdrawn} to personal-data processing", a)
                : l.tr("{name} ({class}) has no consent to personal-data processing", a)
        case "student.snils-invalid":
            return l.tr("{name} ({class}): SNILS {snils} fails its checksum", a)
        case "student.personal-file-missing":
            return l.tr("{name} ({class}) has no personal-file number", a)
        case "class.no-teacher":
            return l.tr("class {class} has no class teacher", a)
        case "class.over-capacity":
            return variant == "default"
                ? l.tr("class {class} has {students} students for {places} places (the default capacity)", a)
                : l.tr("class {class} has {students} students for {places} places", a)
        case "class.empty":
            return l.tr("class {class} has no students", a)
        case "staff.duplicate":
            return l.tr("{name} is recorded {n} times among the staff: {records}", a)
        case "curriculum.missing":
            return l.tr("grade {grade} has classes ({classes}) and no curriculum", a)
        case "period.missing":
            return l.tr(
                "grade {grade} has classes ({classes}) and no study periods (quarters, trimesters or halves: yearctl import periods)",
                a)
        case "assignment.missing":
            return l.tr("class {class} has no teacher of {subject} ({subject_id})", a)
        case "assignment.orphan":
            return l.tr(
                "class {class}: {teacher} is assigned {subject}, which the curriculum of grade {grade} lacks", a)
        case "teacher.overload":
            return p["name"] == nil
                ? l.tr("teacher {teacher} has a load of {hours} periods a week by the curriculum, more than {max}", a)
                : l.tr(
                    "teacher {teacher} ({name}) has a load of {hours} periods a week by the curriculum, more than {max}",
                    a)
        case "grade.final-missing":
            return variant == "pass_fail"
                ? l.tr("{name} ({class}) has no year grade in {subject} (pass or fail)", a)
                : l.tr("{name} ({class}) has no year grade in {subject}", a)
        case "decision.missing":
            return l.tr("{name} ({class}) has no promotion decision", a)
        case "decision.order-missing":
            switch variant {
            case "number": return l.tr("{name} ({class}): the decision '{outcome}' has no order number", a)
            case "date": return l.tr("{name} ({class}): the decision '{outcome}' has no order date", a)
            default: return l.tr("{name} ({class}): the decision '{outcome}' has no order number and date", a)
            }
        case "movement.unbalanced":
            return l.tr(
                "class {class}: {start} at the start + {arrived} arrived - {left} left by orders = {expected}, but {now} are in it",
                a)
        case "decision.destination-missing":
            return variant == "order"
                ? l.tr("{name}: the transfer order {order} of {date} names no destination school", a)
                : l.tr("{name} ({class}) is transferred by the decision, which names no destination school", a)
        case "graduate.certificate-missing":
            return variant == "secondary"
                ? l.tr(
                    "{name} ({class}) is {outcome} without the secondary certificate recorded (number and date: yearctl import certificates)",
                    a)
                : l.tr(
                    "{name} ({class}) is {outcome} without the basic certificate recorded (number and date: yearctl import certificates)",
                    a)
        case "debt.overdue":
            return variant == "deadline"
                ? l.tr(
                    "{name} ({class}) has not cleared the academic debt in {subjects}, past its deadline {deadline}: at the parents' choice, retention, an adapted programme or an individual plan",
                    a)
                : l.tr(
                    "{name} ({class}) has not cleared the academic debt in {subjects} after two failed retakes: at the parents' choice, retention, an adapted programme or an individual plan",
                    a)
        case "decision.retained-without-basis":
            return l.tr(
                "{name} ({class}) is retained without an uncleared academic debt or the parents' statement (statement_on of the decision)",
                a)
        case "graduate.exam-admission":
            return p["subjects"] == nil
                ? l.tr("{name} ({class}) is not admitted to the state exams: academic debt in {debts}", a)
                : l.tr("{name} ({class}) is not admitted to the state exams: year grade below 3 in {subjects}", a)
        default:
            return nil
        }
    }
}
