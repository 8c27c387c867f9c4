import Foundation

// The sentences of a rollover plan: why a student or an application cannot be placed, the plan's own errors, the
// warnings, and the summary a request shows the approver.

extension Note {
    /// `sentence` framed by whom it is about: an error of one student or application names them first.
    func framed(_ sentence: String, _ p: [String: String], _ l: Localizer) -> String {
        var p = p
        p["reason"] = sentence
        switch params["about"] {
        case "student": return l.tr("{student} ({student_id}, {from_class}): {reason}", p)
        case "application": return l.tr("application {application} ({name}): {reason}", p)
        default: return sentence
        }
    }

    /// The note said about `student` (their name, id and class before the sentence), as the plan's errors list it.
    func about(student line: RolloverPlan.Line) -> Note {
        Note(
            code,
            params.merging([
                "about": "student", "student": line.name, "student_id": line.studentID, "from_class": line.fromClass,
            ]) { $1 })
    }

    /// The note said about an application (its id and the child's name first).
    func about(application id: String, name: String) -> Note {
        Note(code, params.merging(["about": "application", "application": id, "name": name]) { $1 })
    }

    /// A class teacher as the summary names them: `class teacher Петрова Анна (T1)`, or that the class has none.
    func teacherPhrase(_ l: Localizer) -> String? {
        guard params["teacher_role"] != nil else { return nil }
        switch (params["teacher_name"], params["teacher_id"]) {
        case (let name?, let id?): return l.tr("class teacher {name} ({id})", ["name": name, "id": id])
        case (nil, let id?): return l.tr("class teacher {id}", ["id": id])
        default: return l.tr("no class teacher")
        }
    }

    /// Why one student cannot be placed.
    static func studentMessage(_ code: String, _ p: [String: String], _ l: Localizer) -> String? {
        let graduated = PromotionOutcome.graduated.name(l), retained = PromotionOutcome.retained.name(l)
        let left = PromotionOutcome.left.name(l)
        let q = p.merging(["graduated": graduated, "retained": retained, "left": left]) { $1 }
        return switch code {
        case "no-decision": l.tr("no promotion decision is recorded")
        case "last-grade": l.tr("{outcome} from grade {grade}, the last grade: record '{graduated}' instead", q)
        case "adapted-needs-target": l.tr("an adapted programme needs the target class in the decision")
        case "not-graduating-grade": l.tr("graduated from grade {grade}, which is not a graduating grade", q)
        case "promotion-grade":
            l.tr(
                "{outcome} from {from_class} to {target}: a promotion leads to grade {next}, not {target_grade}; correct the decision's target class or the class map",
                q)
        case "stage-debt":
            l.tr(
                "conditional from grade {grade} into {next}: going on after grade {grade} needs its certificate, which academic debt ({debts}) withholds; record '{retained}' (the grade repeated) or '{left}' with a statement",
                q)
        case "stage-failing":
            l.tr(
                "promoted from grade {grade} into {next} with a failing year grade in {subjects}: going on needs the grade-{grade} certificate; correct the grades or record '{retained}' or '{left}'",
                q)
        case "stage-no-certificate":
            l.tr(
                "promoted from grade {grade} into {next} without the basic certificate recorded: going on needs it (its number and date: yearctl import certificates)",
                q)
        case "retained-target":
            l.tr(
                "retained in {from_class} but sent to {target}: a retained student repeats grade {grade}; correct the decision's target class",
                q)
        case "adapted-target":
            l.tr(
                "adapted programme from {from_class} to {target}: it leads to grade {next} at most, not {target_grade}",
                q)
        case "application-id-taken": l.tr("a student with the id {application} already exists at the school", q)
        case "application-no-gender": l.tr("the application gives no gender; complete it before the rollover")
        case "application-birth-date":
            l.tr("the birth date '{birth_text}' is not a date (YYYY-MM-DD); correct the application", q)
        case "application-class-grade":
            l.tr("the class {class} is not of grade {grade}, which the application is for", q)
        case "application-no-class":
            l.tr("the new year has no class of grade {grade}: name the class in the application", q)
        case "admission-young":
            l.tr(
                "born {birth}, {age} on {first_day}: younger than 6 years 6 months; admission needs the founder's permission",
                q.merging(["age": age(q, l)]) { $1 })
        case "admission-old":
            l.tr(
                "born {birth}, {age} on {first_day}: 8 years or older; admission needs the founder's permission",
                q.merging(["age": age(q, l)]) { $1 })
        default: nil
        }
    }

    /// An age in years and months, each with its plural form (`6 лет 3 месяца`).
    static func age(_ p: [String: String], _ l: Localizer) -> String {
        let years = Int(p["years"] ?? "") ?? 0, months = Int(p["months"] ?? "") ?? 0
        return l.tr(
            "{years} {months}",
            [
                "years": l.trn("{count} year", "{count} years", years),
                "months": l.trn("{count} month", "{count} months", months),
            ])
    }

    /// The errors of a plan that are not one student's.
    static func planMessage(_ code: String, _ p: [String: String], _ count: Int, _ l: Localizer) -> String? {
        switch code {
        case "next-year-state":
            l.tr(
                "the year {year} is {state}: a rollover opens a year that is open (being prepared) or not yet created",
                p)
        case "next-year-holds":
            l.trn(
                "the year {year} already holds {count} student of {from_year} ({ids}): the rollover places them; withdraw that enrollment from {year} first",
                "the year {year} already holds {count} students of {from_year} ({ids}): the rollover places them; withdraw those enrollments from {year} first",
                count, p)
        case "not-a-class-name": l.tr("'{target}' (the target of {student}) is not a class name such as 6А", p)
        case "beyond-grades":
            l.tr(
                "class {class} is beyond the school's grades {first}-{last}: change the override or the decision that leads there",
                p)
        case "over-capacity":
            l.trn(
                "class {class} would hold {students} student, over its capacity of {capacity}: map part of its students elsewhere with 'yearctl rollover map' or change its capacity",
                "class {class} would hold {students} students, over its capacity of {capacity}: map part of its students elsewhere with 'yearctl rollover map' or change its capacity",
                count, p)
        default: nil
        }
    }

    /// The lines of a plan's summary, as a request shows it to the approver.
    static func summaryMessage(_ code: String, _ p: [String: String], _ count: Int, _ l: Localizer) -> String? {
        switch code {
        case "summary-years": l.tr("{from} closes; {to} opens, {start} to {end}", p)
        case "summary-years-prepared": l.tr("{from} closes; {to} (already prepared) is filled, {start} to {end}", p)
        case "summary-students":
            l.trn(
                "{count} student: {outcomes}", "{count} students: {outcomes}", count,
                p.merging(["outcomes": outcomes(p, l)]) { $1 })
        case "summary-class":
            l.trn("class {from} -> {to}: {count} student", "class {from} -> {to}: {count} students", count, p)
        case "summary-class-closes": l.tr("class {from} closes", p)
        case "summary-merge":
            l.tr(
                "class {class} merges {sources}: it keeps {kept}'s {teacher}, profile and assignments; not carried (choose with 'yearctl rollover map CLASS {class} --teacher-from CLASS'):",
                p)
        case "summary-merge-other":
            l.trn(
                "  {other}: {teacher}, profile {profile}, {count} assignment",
                "  {other}: {teacher}, profile {profile}, {count} assignments", count, p)
        case "summary-stage-teacher":
            l.tr(
                "class {class} begins grade {grade}: {kept}'s primary {teacher} does not follow it; appoint its class teacher",
                p)
        case "summary-dropped":
            l.tr(
                "class {class}: {kept}'s assignments of {subjects} are not carried: grade {grade}'s curriculum lacks them",
                p)
        case "summary-new-classes": l.tr("new year's classes: {count} ({created} created: {names})", p)
        case "summary-first-grade":
            l.trn(
                "admissions to the first grade: {placed} of {count} accepted application",
                "admissions to the first grade: {placed} of {count} accepted applications", count, p)
        case "summary-other-grades":
            l.trn(
                "admissions to other grades: {placed} of {count} accepted application ({list})",
                "admissions to other grades: {placed} of {count} accepted applications ({list})", count, p)
        case "summary-ahead": l.tr("enrolled ahead in {year} (kept, counted in their classes): {count}", p)
        case "summary-age": l.tr("admitted outside the age of 273-FZ art. 67 (the founder's permission): {count}", p)
        case "summary-carried":
            l.tr("carried over: {what}", p.merging(["what": carried(p, l)]) { $1 })
        case "summary-carried-nothing": l.tr("carried over: nothing")
        case "readiness-ready": l.tr("close readiness: no error")
        case "readiness-blocked":
            l.trn(
                "close readiness: {count} error check the approval refuses unless accepted by name:",
                "close readiness: {count} error checks the approval refuses unless accepted by name:", count, p)
        case "readiness-check": l.trn("  {check}: {count} finding", "  {check}: {count} findings", count, p)
        case "changed-year-gone": l.tr("the year the rollover opened is gone")
        case "changed-rows":
            l.tr("{what}: rows changed since the rollover", p.merging(["what": changedTable(p, l)]) { $1 })
        case "changed-count":
            l.trn(
                "{what}: {now} row now, {count} when the rollover applied",
                "{what}: {now} rows now, {count} when the rollover applied", Int(p["now"] ?? "") ?? 0,
                p.merging(["what": changedTable(p, l)]) { $1 })
        case "undo":
            l.tr("undo rollover {rollover}: {year} reopens as closing; {to} loses every row the rollover wrote", p)
        default: nil
        }
    }

    /// What a table of the new year holds, as a refused undo names it.
    static func changedTable(_ p: [String: String], _ l: Localizer) -> String {
        switch p["table"] {
        case "academic_year": l.tr("the year {year} itself (its state or dates)", p)
        case "approval_request": l.tr("the requests filed for {year}", p)
        case "student": l.tr("the students it admitted")
        case "guardian": l.tr("the guardians of the students it admitted")
        case "consent": l.tr("the consents of the students it admitted and of their guardians")
        case "application": l.tr("the applications it enrolled")
        case "school_class": l.tr("the classes of {year}", p)
        case "enrollment": l.tr("the enrollments of {year}", p)
        case "school_order": l.tr("the orders of {year}", p)
        case "curriculum": l.tr("the curriculum of {year}", p)
        case "assignment": l.tr("the teaching assignments of {year}", p)
        case "schedule_slot": l.tr("the timetable of {year}", p)
        case "final_grade": l.tr("the grades of {year}", p)
        case "decision": l.tr("the promotion decisions of {year}", p)
        case "academic_debt": l.tr("the academic debts of {year}", p)
        case "certificate": l.tr("the certificates of {year}", p)
        case "debt_retake": l.tr("the retakes of {year}", p)
        case "study_period": l.tr("the study periods of {year}", p)
        default: l.tr("{table} of {year}", p)
        }
    }

    /// The counts per outcome, in the order of the outcomes: `5 переведён, 1 без решения`.
    static func outcomes(_ p: [String: String], _ l: Localizer) -> String {
        let named = PromotionOutcome.allCases.map { ($0.rawValue, $0.name(l)) } + [("none", l.tr("no decision"))]
        return named.compactMap { key, name in
            p["outcome_" + key].flatMap(Int.init).map {
                l.tr("{outcome} {count}", ["outcome": name, "count": l.number($0)])
            }
        }.joined(separator: ", ")
    }

    /// What a rollover carries over, named in the language: `curriculum, class_teachers` as `учебный план,
    /// классные руководители`.
    static func carried(_ p: [String: String], _ l: Localizer) -> String {
        (p["what"] ?? "").split(separator: ",").map { key in
            switch key {
            case "curriculum": l.trc("carried over", "curriculum")
            case "class_teachers": l.trc("carried over", "class teachers")
            case "assignments": l.trc("carried over", "assignments")
            case "profiles": l.trc("carried over", "profiles")
            case "capacity": l.trc("carried over", "capacity")
            default: String(key)
            }
        }.joined(separator: ", ")
    }
}
