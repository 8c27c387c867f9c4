import Foundation
import GRDB
import YearCore

/// One line of the book of student movement: a class of a year (or the school, `group` nil) over a period.
public struct MovementLine: Sendable, Equatable {
    /// The class, or nil for the whole school.
    public var group: String?
    /// The label of the class's year (nil for the school's line).
    public var year: String?
    /// Students at the start of the first day, arrived during the period, left during it, at the end of the last.
    public var start: Int, arrived: Int, left: Int, end: Int
    /// The orders behind the movement, in date order: arrivals, departures and class changes, and the year-end
    /// continuations that move students between years (neither arrivals nor departures of the school).
    public var orders: [String]
}

extension YearDatabase {
    /// The movement book of `school` from `from` to `to` (both days included): per class of `years` and for the
    /// school, start + arrived - left = end.
    ///
    /// A student is present on a day from the effective date of the order that brought them (inclusive) to that of
    /// the order that took them away (exclusive). Two kinds of entry are not movements of the school: a class
    /// change moves a student between classes, and a year-end continuation (promotion, conditional promotion,
    /// retention, adapted programme) closes the old year's enrollment on its last day (the student is there at its
    /// end) and opens the next year's on its first (the student is there at its start). The opening roll of a year
    /// (a continuation, or a student imported on its first day) is its start count, not an arrival. For a class, a
    /// continuation into a class after the period's first day is an arrival into that class, as a class change is.
    /// The school's line reads every year of the school, so a period across a rollover balances too; over the
    /// summer between two years a student who stays is still in their old class (until the continuation takes
    /// effect on the new year's first day).
    public func movement(
        school: String, years: [AcademicYear], from: CalendarDate, to: CalendarDate, group: String? = nil
    ) async throws -> (classes: [MovementLine], school: MovementLine) {
        try await pool.read { db in
            try Self.movement(school: school, years: years, from: from, to: to, group: group, db)
        }
    }

    /// The movement book's counts and its entries (`movement`, `movementEntries`) read in one transaction, so that
    /// each class's lists are exactly as long as its counts.
    public func movementBook(
        school: String, years: [AcademicYear], from: CalendarDate, to: CalendarDate, group: String? = nil
    ) async throws -> (
        classes: [MovementLine], school: MovementLine,
        entries: [(year: String, group: String, arrived: Bool, entry: MovementEntry)]
    ) {
        try await pool.read { db in
            let counts = try Self.movement(school: school, years: years, from: from, to: to, group: group, db)
            let entries = try Self.movementEntries(school: school, years: years, from: from, to: to, group: group, db)
            return (counts.classes, counts.school, entries)
        }
    }

    static func movement(
        school: String, years: [AcademicYear], from: CalendarDate, to: CalendarDate, group: String?, _ db: Database
    ) throws -> (classes: [MovementLine], school: MovementLine) {
        let entries = Self.enrollmentSpans
        let started = "((a < :from OR (a = :from AND opening)) AND (t IS NULL OR t >= :from))"
        let finished = Self.presentAt(":to")
        let years = JSONValue.array(years.map { .int($0.id) }).canonicalText
        do {
            let arguments: StatementArguments = [
                "school": school, "years": years, "from": from.description, "to": to.description, "class": group,
            ]
            let classes = try Row.fetchAll(
                db,
                sql: """
                    WITH e AS (\(entries) AND en.year_id IN (SELECT value FROM json_each(:years))
                        AND (:class IS NULL OR en.class_name = :class))
                    SELECT e.class_name AS grp, e.label AS year,
                        sum(\(started)) AS start,
                        sum(a BETWEEN :from AND :to AND NOT (a = :from AND opening)) AS arrived,
                        sum(coalesce(t BETWEEN :from AND :to AND NOT (continued AND t = :to), 0)) AS gone,
                        sum(\(finished)) AS finish,
                        (SELECT group_concat(no, char(31)) FROM (
                            SELECT DISTINCT no FROM (
                                SELECT o.order_no AS no, o.a AS d FROM e AS o
                                WHERE o.year_id = e.year_id AND o.class_name = e.class_name
                                    AND o.order_no IS NOT NULL AND o.a BETWEEN :from AND :to
                                UNION ALL
                                SELECT c.closing_order_no, c.t FROM e AS c
                                WHERE c.year_id = e.year_id AND c.class_name = e.class_name
                                    AND c.closing_order_no IS NOT NULL AND c.t BETWEEN :from AND :to
                                ORDER BY d, no))) AS orders
                    FROM e JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                        JOIN academic_year y ON y.id = e.year_id
                    GROUP BY e.year_id, e.class_name ORDER BY y.start_date, c.grade, c.letter
                    """, arguments: arguments
            ).map(Self.movementLine)
            let whole = try Row.fetchOne(
                db,
                sql: """
                    WITH e AS (\(entries))
                    SELECT NULL AS grp, NULL AS year,
                        (SELECT count(DISTINCT student_id) FROM e WHERE \(started)) AS start,
                        (SELECT count(*) FROM e WHERE a BETWEEN :from AND :to AND NOT opening
                            AND opened_by <> 'class_change') AS arrived,
                        (SELECT count(*) FROM e WHERE t BETWEEN :from AND :to AND NOT continued
                            AND closed_by <> 'class_change') AS gone,
                        (SELECT count(DISTINCT student_id) FROM e WHERE \(finished)) AS finish,
                        (SELECT group_concat(order_no, char(31)) FROM (SELECT order_no FROM school_order
                            WHERE school_id = :school AND effective_on BETWEEN :from AND :to
                                AND kind <> 'class_change'
                            GROUP BY order_no ORDER BY min(effective_on), min(rowid))) AS orders
                    """, arguments: arguments)
            let empty = MovementLine(group: nil, year: nil, start: 0, arrived: 0, left: 0, end: 0, orders: [])
            let school = whole.map(Self.movementLine) ?? empty
            return (classes, school)
        }
    }

    /// The arrivals in and departures from each class of `years` from `from` to `to` that `movement` counts, by
    /// the same rules (so a class's lists are as long as its counts), each with its order, the other class of a
    /// move between classes and a departure's destination: one statement, in year, grade, class, day and name order.
    /// A departure's day is its order's effective day (a promotion's is the next year's first day, though the book
    /// keeps the student in the old class until the old year's end).
    static func movementEntries(
        school: String, years: [AcademicYear], from: CalendarDate, to: CalendarDate, group: String?, _ db: Database
    ) throws -> [(year: String, group: String, arrived: Bool, entry: MovementEntry)] {
        let ids = JSONValue.array(years.map { .int($0.id) }).canonicalText
        let name = "s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '')"
        do {
            return try Row.fetchAll(
                db,
                sql: """
                    WITH e AS (\(Self.enrollmentSpans) AND en.year_id IN (SELECT value FROM json_each(:years))
                        AND (:class IS NULL OR en.class_name = :class)),
                    moves AS (
                        SELECT 1 AS arrived, e.year_id, e.label, e.class_name, e.student_id, e.a AS day,
                            nullif(e.opened_by, 'import') AS kind, e.order_no AS no, o.order_date,
                            o.class_from AS other, NULL AS destination
                        FROM e LEFT JOIN school_order o ON o.school_id = e.school_id AND o.order_no = e.order_no
                            AND o.student_id = e.student_id
                        WHERE e.a BETWEEN :from AND :to AND NOT (e.a = :from AND e.opening)
                        UNION ALL
                        SELECT 0, e.year_id, e.label, e.class_name, e.student_id, coalesce(o.effective_on, e.t),
                            e.closed_by,
                            e.closing_order_no, o.order_date, o.class_to, o.destination
                        FROM e LEFT JOIN school_order o ON o.school_id = e.school_id
                            AND o.order_no = e.closing_order_no AND o.student_id = e.student_id
                        WHERE e.t BETWEEN :from AND :to AND NOT (e.continued AND e.t = :to))
                    SELECT m.*, coalesce(\(name), m.student_id) AS name
                    FROM moves m JOIN academic_year y ON y.id = m.year_id
                        JOIN school_class c ON c.year_id = m.year_id AND c.name = m.class_name
                        LEFT JOIN student s ON s.school_id = :school AND s.id = m.student_id
                    ORDER BY y.start_date, c.grade, c.letter, m.arrived DESC, m.day, name, m.student_id
                    """,
                arguments: [
                    "school": school, "years": ids, "from": from.description, "to": to.description, "class": group,
                ]
            ).map { row in
                let kind: String? = row["kind"]
                return (
                    row["label"], row["class_name"], row["arrived"],
                    MovementEntry(
                        student: row["student_id"], name: row["name"], date: row["day"],
                        kind: kind.flatMap(OrderKind.init(rawValue:)), orderNo: row["no"],
                        orderDate: row["order_date"], otherClass: row["other"], destination: row["destination"])
                )
            }
        }
    }

    /// Whether the enrollment of `enrollmentSpans` (columns `a`, `t`, `continued`) holds its student at the end of
    /// the day `day` (an SQL expression): from the day it starts, until the day it ends, a continuation's last day
    /// included (the student is there at the end of the old year).
    static func presentAt(_ day: String) -> String {
        "(a <= \(day) AND (t IS NULL OR t > \(day) OR (continued AND t = \(day))))"
    }

    /// The enrollments of `:school` with the columns the movement book counts by: `a` the first day, `t` the last
    /// (nil: open), `opening` whether it is on its year's opening roll, `continued` whether a continuation closed
    /// it, and the year's `label`. A student who stays is in their old class until the continuation takes effect
    /// (the new year's first day): over the summer too. Callers add `AND ...` conditions on `en`.
    static var enrollmentSpans: String { enrollmentSpans(where: "en.school_id = :school") }

    /// `enrollmentSpans` of the enrollments that meet `condition` (on `en`), of any school.
    static func enrollmentSpans(where condition: String) -> String {
        let continuations = OrderKind.sqlList(OrderKind.continuations)
        return """
            SELECT en.*, en.from_date AS a, y.label,
                CASE WHEN en.closed_by IN \(continuations) THEN coalesce(
                    (SELECT date(o.effective_on, '-1 day') FROM school_order o WHERE o.school_id = en.school_id
                        AND o.order_no = en.closing_order_no AND o.student_id = en.student_id
                        AND o.effective_on > en.to_date),
                    en.to_date) ELSE en.to_date END AS t,
                (en.opened_by IN \(continuations) OR (en.opened_by = 'import' AND en.from_date <= y.start_date))
                    AS opening,
                coalesce(en.closed_by IN \(continuations), 0) AS continued
            FROM enrollment en JOIN academic_year y ON y.id = en.year_id
            WHERE \(condition)
            """
    }

    static func movementLine(_ row: Row) -> MovementLine {
        let orders: String? = row["orders"]
        return MovementLine(
            group: row["grp"], year: row["year"], start: row["start"] ?? 0, arrived: row["arrived"] ?? 0,
            left: row["gone"] ?? 0, end: row["finish"] ?? 0,
            orders: orders.map { $0.split(separator: "\u{1F}").map(String.init) } ?? [])
    }
}
