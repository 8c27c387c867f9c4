import Foundation

/// An order as the document a director signs (`../shared/domain.md` §5): its number and date, its kind, its basis
/// and the students it concerns grouped by class. A rollover's promotion order lists every promoted student of every
/// class, its graduation order every graduate; an order typed or imported by the secretary lists the students its
/// rows name.
public struct OrderDocument: Codable, Sendable, Equatable {
    /// The order's number and the day it was signed, `YYYY-MM-DD`.
    public var number: String, date: String
    /// What the order does.
    public var kind: OrderKind
    /// The first and the last day it takes effect on (one day for most orders; a rollover's graduation order takes
    /// effect on each grade's last day).
    public var effectiveFrom: String, effectiveTo: String
    /// Its basis as recorded (an application, a guardian's statement, the pedagogical council's decision) when it
    /// is the same for every student (else each student's line has their own), and the council's order number and
    /// date when the basis is one.
    public var basis: String?, basisOrderNo: String?, basisOrderDate: String?
    /// The label of the year the order belongs to.
    public var year: String
    /// The students it concerns, by class (the class they leave, else the class they join), then by name.
    public var students: [OrderStudent]

    /// An order with every field given.
    public init(
        number: String, date: String, kind: OrderKind, effectiveFrom: String, effectiveTo: String, basis: String?,
        basisOrderNo: String?, basisOrderDate: String?, year: String, students: [OrderStudent]
    ) {
        self.number = number
        self.date = date
        self.kind = kind
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.basis = basis
        self.basisOrderNo = basisOrderNo
        self.basisOrderDate = basisOrderDate
        self.year = year
        self.students = students
    }

    /// The order's students grouped by class, in the order they are listed.
    public var byClass: [(className: String, students: [OrderStudent])] {
        var groups: [(className: String, students: [OrderStudent])] = []
        for student in students {
            let name = student.className
            if let last = groups.indices.last, groups[last].className == name {
                groups[last].students.append(student)
            } else {
                groups.append((name, [student]))
            }
        }
        return groups
    }
}

/// A student an order concerns.
public struct OrderStudent: Codable, Sendable, Equatable {
    /// The student's id and full name (last, first, middle).
    public var id: String, name: String
    /// The class they leave and the class they join (either may be absent: an arrival joins, a departure leaves).
    public var classFrom: String?, classTo: String?
    /// The day the order takes effect for them and, for a departure, where they go.
    public var effectiveOn: String, destination: String?
    /// The basis of their line (each accepted application, each guardian's statement).
    public var basis: String?

    /// A student with every field given.
    public init(
        id: String, name: String, classFrom: String?, classTo: String?, effectiveOn: String, destination: String?,
        basis: String?
    ) {
        self.basis = basis
        self.id = id
        self.name = name
        self.classFrom = classFrom
        self.classTo = classTo
        self.effectiveOn = effectiveOn
        self.destination = destination
    }

    /// The class the student is listed under: the one they leave, else the one they join.
    public var className: String { classFrom ?? classTo ?? "" }
}

/// Who signs a school's documents (`director` and `director_title` of a `[[school]]` in yeard.toml).
public struct Signatory: Codable, Sendable, Equatable {
    /// The title as written under the line ("Директор"; nil: the client's word for a director) and the name.
    public var title: String?, name: String

    /// A signatory with every field given.
    public init(title: String?, name: String) {
        self.title = title
        self.name = name
    }

    /// What is wrong with a configured name or title, if anything: each is 1-200 characters on one line, with no
    /// control or bidirectional-override character (it is printed on every signed document).
    public static func problem(name: String, title: String?) -> String? {
        for (key, value) in [("director", name), ("director_title", title)] {
            guard let value else { continue }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || value.count > 200 {
                return "'\(key)' must be 1-200 characters"
            }
            if DisplaySafety.firstForbidden(in: value) != nil {
                return "'\(key)' must be one line of printable text"
            }
        }
        return nil
    }
}

/// The orders of one school's year as documents to sign.
public struct OrdersReport: Codable, Sendable, Equatable {
    /// The school's id and name, the label of the year asked for, and who signs (nil: not configured; the line is
    /// left blank).
    public var school: String, schoolName: String, year: String, signatory: Signatory?
    /// The orders, by date and number.
    public var orders: [OrderDocument]

    /// A report with every field given.
    public init(school: String, schoolName: String, year: String, signatory: Signatory?, orders: [OrderDocument]) {
        self.school = school
        self.schoolName = schoolName
        self.year = year
        self.signatory = signatory
        self.orders = orders
    }

    /// How many students the report names (an audit row records it).
    public var persons: Int { Set(orders.flatMap { $0.students.map(\.id) }).count }
}
