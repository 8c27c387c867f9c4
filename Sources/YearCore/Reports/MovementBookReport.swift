import Foundation

/// The book of student movement (книга движения обучающихся) for a period as the school keeps it: per class, the
/// students at the start, each arrival with its order, each departure with its order and destination, the students
/// at the end; and the school's totals. Its counts are those of `yearctl movement` for the same period (the store
/// lists the entries by the same rules it counts them by).
public struct MovementBookReport: Codable, Sendable, Equatable {
    /// The school's id and name, the labels of the years the period meets, the first and last day (`YYYY-MM-DD`).
    public var school: String, schoolName: String, years: String, from: String, to: String
    /// One part per class, in year, grade and letter order.
    public var classes: [MovementBookClass]
    /// The school: at the start, arrived in and left the school (moves between classes and year-end continuations
    /// are neither), at the end.
    public var total: MovementBookTotal

    /// A book with every field given.
    public init(
        school: String, schoolName: String, years: String, from: String, to: String, classes: [MovementBookClass],
        total: MovementBookTotal
    ) {
        self.school = school
        self.schoolName = schoolName
        self.years = years
        self.from = from
        self.to = to
        self.classes = classes
        self.total = total
    }

    /// How many persons the book names (an audit row records it).
    public var persons: Int {
        Set(classes.flatMap { ($0.arrived + $0.left).map(\.student) }).count
    }
}

/// One class's part of the book.
public struct MovementBookClass: Codable, Sendable, Equatable {
    /// The class and its year's label.
    public var `class`: String, year: String
    /// Students at the start of the first day and at the end of the last.
    public var start: Int, end: Int
    /// Who arrived in the class during the period, and who left it, by day and name.
    public var arrived: [MovementEntry], left: [MovementEntry]

    /// A part with every field given.
    public init(class: String, year: String, start: Int, end: Int, arrived: [MovementEntry], left: [MovementEntry]) {
        self.class = `class`
        self.year = year
        self.start = start
        self.end = end
        self.arrived = arrived
        self.left = left
    }

    /// Whether the part balances: start + arrived - left = end.
    public var balances: Bool { start + arrived.count - left.count == end }
}

/// One arrival in or departure from a class.
public struct MovementEntry: Codable, Sendable, Equatable {
    /// The student's id and full name.
    public var student: String, name: String
    /// The day: an arrival's first day in the class, a departure's first day away.
    public var date: String
    /// The kind of the order that moved them (absent: a student loaded by an import, with no order).
    public var kind: OrderKind?
    /// The order's number and date.
    public var orderNo: String?, orderDate: String?
    /// For a move between classes, the other class (the one left, or the one joined).
    public var otherClass: String?
    /// For a departure from the school, where the student went.
    public var destination: String?

    /// An entry with every field given.
    public init(
        student: String, name: String, date: String, kind: OrderKind?, orderNo: String?, orderDate: String?,
        otherClass: String?, destination: String?
    ) {
        self.student = student
        self.name = name
        self.date = date
        self.kind = kind
        self.orderNo = orderNo
        self.orderDate = orderDate
        self.otherClass = otherClass
        self.destination = destination
    }
}

/// The school's line of the book.
public struct MovementBookTotal: Codable, Sendable, Equatable {
    /// At the start, arrived in the school, left it, at the end.
    public var start: Int, arrived: Int, left: Int, end: Int

    /// A total with every field given.
    public init(start: Int, arrived: Int, left: Int, end: Int) {
        self.start = start
        self.arrived = arrived
        self.left = left
        self.end = end
    }
}
