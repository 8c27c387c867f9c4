/// The kind of an order (`../shared/domain.md` §5, §9): what it does to a student's place in the school.
///
/// Schools write the year-end orders by outcome, each with its list of students and the pedagogical council's
/// decision as its basis: a retained student is never under a promotion order.
public enum OrderKind: String, ClosedSet, Hashable {
    /// Arrivals: a new student, or one coming from another school.
    case enrollment, transferIn = "transfer_in"
    /// A move between classes of the same year.
    case classChange = "class_change"
    /// Departures: withdrawn, gone to another school (its destination named), graduated with a certificate.
    case withdrawal, transferOut = "transfer_out", graduation
    /// Year-end continuations: promoted to the next grade (also grade 9 to 10 after the exams), promoted with
    /// academic debt, repeating the grade, moved to an adapted programme.
    case promotion, conditionalPromotion = "conditional_promotion", retention, adaptedProgramme = "adapted_programme"

    /// The kinds that close one year's enrollment and open the next year's for the same student: in the book of
    /// student movement they are neither an arrival nor a departure (the student stays at the school).
    public static let continuations: [OrderKind] = [.promotion, .conditionalPromotion, .retention, .adaptedProgramme]

    /// The kinds that bring a student into the school.
    public static let arrivals: [OrderKind] = [.enrollment, .transferIn]

    /// The kinds that take a student out of the school.
    public static let departures: [OrderKind] = [.withdrawal, .transferOut, .graduation]

    /// Whether the kind continues a student into the next year (see `continuations`).
    public var isContinuation: Bool { Self.continuations.contains(self) }

    /// The kinds as an SQL list of string literals, `('promotion', ...)`, for the store's set-based queries.
    public static func sqlList(_ kinds: [OrderKind]) -> String {
        "(" + kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}

extension PromotionOutcome {
    /// The kind of the order that carries out this outcome at the year's end.
    public var orderKind: OrderKind {
        switch self {
        case .promoted: .promotion
        case .conditional: .conditionalPromotion
        case .retained: .retention
        case .adapted: .adaptedProgramme
        case .graduated: .graduation
        case .left: .withdrawal
        case .transferred: .transferOut
        }
    }
}
