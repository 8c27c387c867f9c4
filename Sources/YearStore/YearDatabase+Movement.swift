import Foundation
import GRDB
import YearCore

/// One line of the book of student movement: a class (or the school, `group` nil) over a period.
public struct MovementLine: Sendable, Equatable {
    /// The class, or nil for the whole school.
    public var group: String?
    /// Students at the start of the first day, arrived during the period, left during it, at the end of the last.
    public var start: Int, arrived: Int, left: Int, end: Int
    /// The orders behind the arrivals and departures, in date order.
    public var orders: [String]
}

extension YearDatabase {
    /// The movement book of `school` in `year` from `from` to `to` (both days included): per class and for the
    /// school, start + arrived - left = end. A student is present on a day from the effective date of the order
    /// that brought them (inclusive) to that of the order that took them away (exclusive); class changes move a
    /// student between classes but are neither an arrival nor a departure for the school.
    public func movement(
        school: String, year: AcademicYear, from: CalendarDate, to: CalendarDate, group: String? = nil
    ) async throws -> (classes: [MovementLine], school: MovementLine) {
        try await pool.read { db in
            let arguments: StatementArguments = [
                "school": school, "year": year.id, "from": from.description, "to": to.description, "class": group,
            ]
            let classes = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.class_name AS grp,
                        sum(e.from_date < :from AND (e.to_date IS NULL OR e.to_date >= :from)) AS start,
                        sum(e.from_date BETWEEN :from AND :to) AS arrived,
                        sum(coalesce(e.to_date BETWEEN :from AND :to, 0)) AS gone,
                        sum(e.from_date <= :to AND (e.to_date IS NULL OR e.to_date > :to)) AS finish,
                        (SELECT group_concat(no, char(31)) FROM (
                            SELECT DISTINCT no FROM (
                                SELECT a.order_no AS no, a.from_date AS d FROM enrollment a
                                WHERE a.year_id = :year AND a.school_id = :school AND a.class_name = e.class_name
                                    AND a.order_no IS NOT NULL AND a.from_date BETWEEN :from AND :to
                                UNION ALL
                                SELECT b.closing_order_no, b.to_date FROM enrollment b
                                WHERE b.year_id = :year AND b.school_id = :school AND b.class_name = e.class_name
                                    AND b.closing_order_no IS NOT NULL AND b.to_date BETWEEN :from AND :to
                                ORDER BY d, no))) AS orders
                    FROM enrollment e JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                    WHERE e.year_id = :year AND e.school_id = :school AND (:class IS NULL OR e.class_name = :class)
                    GROUP BY e.class_name ORDER BY c.grade, c.letter
                    """, arguments: arguments
            ).map(Self.movementLine)
            let whole = try Row.fetchOne(
                db,
                sql: """
                    SELECT NULL AS grp,
                        (SELECT count(DISTINCT student_id) FROM enrollment WHERE year_id = :year AND school_id = :school
                            AND from_date < :from AND (to_date IS NULL OR to_date >= :from)) AS start,
                        (SELECT count(*) FROM enrollment WHERE year_id = :year AND school_id = :school
                            AND from_date BETWEEN :from AND :to AND opened_by <> 'class_change') AS arrived,
                        (SELECT count(*) FROM enrollment WHERE year_id = :year AND school_id = :school
                            AND to_date BETWEEN :from AND :to AND closed_by <> 'class_change') AS gone,
                        (SELECT count(DISTINCT student_id) FROM enrollment WHERE year_id = :year AND school_id = :school
                            AND from_date <= :to AND (to_date IS NULL OR to_date > :to)) AS finish,
                        (SELECT group_concat(order_no, char(31)) FROM (SELECT order_no FROM school_order
                            WHERE school_id = :school AND year_id = :year AND effective_on BETWEEN :from AND :to
                                AND kind <> 'class_change' AND kind <> 'promotion'
                            GROUP BY order_no ORDER BY min(effective_on), min(rowid))) AS orders
                    """, arguments: arguments)
            let empty = MovementLine(group: nil, start: 0, arrived: 0, left: 0, end: 0, orders: [])
            let school = whole.map(Self.movementLine) ?? empty
            return (classes, school)
        }
    }

    static func movementLine(_ row: Row) -> MovementLine {
        let orders: String? = row["orders"]
        return MovementLine(
            group: row["grp"], start: row["start"] ?? 0, arrived: row["arrived"] ?? 0, left: row["gone"] ?? 0,
            end: row["finish"] ?? 0, orders: orders.map { $0.split(separator: "\u{1F}").map(String.init) } ?? [])
    }
}
