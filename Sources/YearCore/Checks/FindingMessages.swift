/// The sentences of the checks' findings, in any language, from the parameters each check's query returns
/// (`CheckQueries`): the query finds, this says. A parameter that is a calendar day (`born`, `deadline`...) is
/// written as the language writes days; an outcome is named as the language names it.
///
/// A check not listed here would build its English sentence in SQL (`message`), said as it is in every language;
/// every check of the catalogue is listed (a test holds it).
public enum FindingMessages {
    /// The sentence of a finding in `l`'s language from its parameters, else the English sentence stored with it.
    public static func message(check: String, params: [String: String]?, stored: String, _ l: Localizer) -> String {
        params.flatMap { message(check: check, params: $0, l) } ?? stored
    }

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
        // A parameter the query did not give leaves its placeholder: then there is no sentence to say from them.
        // The probe fills every value with nothing, so that braces inside a name or a phone do not count.
        guard let probe = sentence(check, variant, p, a.mapValues { _ in "" }, l),
            Localizer.placeholders(in: probe).isEmpty
        else { return nil }
        return sentence(check, variant, p, a, l)
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
        case "student.multiple-classes":
            let others = items(p["others"]).map { other in
                let b = ["class": other["class"] ?? "", "id": other["id"] ?? "", "school": other["school"] ?? ""]
                return other["school"] == nil
                    ? l.tr("{class} as {id}", b) : l.tr("{class} as {id} at school {school}", b)
            }
            return l.tr(
                "{name} ({class}, SNILS {snils}) is also in {others}",
                a.merging(["others": others.joined(separator: ", ")]) { $1 })
        case "decision.inconsistent":
            let reasons = items(p["reasons"]).map { reason(kind: $0["r"] ?? "", $0, l) }
            return l.tr("{name} ({class}) is {reasons}", a.merging(["reasons": reasons.joined(separator: "; ")]) { $1 })
        case "movement.order-missing":
            let stays = items(p["stays"]).map { stay in
                let b = [
                    "class": stay["class"] ?? "", "from": l.date(stay["from"] ?? ""), "to": l.date(stay["to"] ?? ""),
                ]
                switch stay["r"] {
                case "was": return l.tr("was in {class} from {from} to {to}", b)
                case "came": return l.tr("came to {class} on {from}", b)
                default: return l.tr("left {class} on {to}", b)
                }
            }
            return l.tr("{name} {stays} without an order", a.merging(["stays": stays.joined(separator: "; ")]) { $1 })
        case "schedule.hours-mismatch":
            if variant == "none" { return l.tr("class {class} has no timetable", a) }
            return p["group"] == nil
                ? l.tr("class {class} has {periods} periods a week of {subject}, the curriculum {hours}", a)
                : l.tr(
                    "class {class} group {group} has {periods} periods a week of {subject}, the curriculum {hours}", a)
        case "schedule.teacher-conflict":
            let classes = items(p["classes"]).map { item in
                item["group"] == nil
                    ? item["class"] ?? ""
                    : l.tr("{class} group {group}", ["class": item["class"] ?? "", "group": item["group"] ?? ""])
            }
            let b = a.merging(["classes": both(classes, l), "weekday": weekday(p["weekday"], l)]) { $1 }
            return p["name"] == nil
                ? l.tr("teacher {teacher} is timetabled for {classes} on {weekday}, period {period}", b)
                : l.tr("teacher {teacher} ({name}) is timetabled for {classes} on {weekday}, period {period}", b)
        case "schedule.room-conflict":
            let classes = strings(p["classes"])
            return l.tr(
                "room {room} is timetabled for {classes} on {weekday}, period {period}",
                a.merging(["classes": both(classes, l), "weekday": weekday(p["weekday"], l)]) { $1 })
        case "schedule.class-conflict":
            let lessons = items(p["lessons"]).map { item in
                item["group"] == nil
                    ? item["subject"] ?? ""
                    : l.tr(
                        "{subject} (group {group})", ["subject": item["subject"] ?? "", "group": item["group"] ?? ""])
            }
            return l.tr(
                "class {class} has {n} lessons on {weekday}, period {period}: {lessons}",
                a.merging(["lessons": lessons.joined(separator: ", "), "weekday": weekday(p["weekday"], l)]) { $1 })
        default:
            return nil
        }
    }

    /// One reason a promotion decision contradicts the data (decision.inconsistent).
    private static func reason(kind: String, _ item: [String: String], _ l: Localizer) -> String {
        var b = item
        if let outcome = item["outcome"].flatMap(PromotionOutcome.init(rawValue:)) { b["outcome"] = outcome.name(l) }
        switch kind {
        case "failing": return l.tr("{outcome} with a failing year grade in {subjects}", b)
        case "not-graduating": return l.tr("graduated from grade {grade}, which is not a graduating grade", b)
        case "last-grade": return l.tr("{outcome} from grade {grade}, the last grade", b)
        case "stage-end":
            return l.tr(
                "conditional from grade {grade} into {next}: going on after grade {grade} needs its certificate, which academic debt withholds",
                b)
        case "target-above": return l.tr("{outcome} to {target}, which is not of grade {grade} or below", b)
        default: return l.tr("{outcome} to {target}, which is not of grade {grade}", b)
        }
    }

    /// The objects of a parameter holding a JSON array of objects, their values as text.
    private static func items(_ text: String?) -> [[String: String]] {
        guard let text, case .array(let values)? = try? StrictJSON.parse(Array(text.utf8)) else { return [] }
        return values.map { value in
            guard case .object(let object) = value else { return [:] }
            return object.compactMapValues { field in
                switch field {
                case .string(let text): text
                case .int(let number): String(number)
                default: nil
                }
            }
        }
    }

    /// The strings of a parameter holding a JSON array of strings.
    private static func strings(_ text: String?) -> [String] {
        guard let text, case .array(let values)? = try? StrictJSON.parse(Array(text.utf8)) else { return [] }
        return values.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    /// Things that clash, joined with "and" (`11А and 5А`).
    private static func both(_ items: [String], _ l: Localizer) -> String {
        // TRANSLATORS: joins the classes that clash in one slot: "11А and 5А".
        items.joined(separator: l.trc("list of things together", " and "))
    }

    /// A weekday's name from its number (1 is Monday).
    private static func weekday(_ number: String?, _ l: Localizer) -> String {
        switch number {
        case "1": l.trc("weekday", "Monday")
        case "2": l.trc("weekday", "Tuesday")
        case "3": l.trc("weekday", "Wednesday")
        case "4": l.trc("weekday", "Thursday")
        case "5": l.trc("weekday", "Friday")
        case "6": l.trc("weekday", "Saturday")
        default: l.trc("weekday", "Sunday")
        }
    }
}
