import Foundation

/// A catalogue's `Plural-Forms` rule: how many plural forms the language has and which one a number takes, as GNU
/// gettext writes it in a `.po` header (`nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : ...);`).
///
/// Written by hand because no maintained Swift package evaluates gettext's plural expressions, and yeard reads its
/// catalogues itself rather than through glibc's `dngettext` (README, "Languages"). The grammar is gettext's own
/// (`plural.y` in GNU gettext): a C expression over the unsigned number `n` with `?:`, `||`, `&&`, `==`, `!=`, `<`,
/// `>`, `<=`, `>=`, `+`, `-`, `*`, `/`, `%`, `!`, parentheses and decimal constants.
public struct PluralRule: Sendable, Equatable {
    /// The number of plural forms (`msgstr[0]` ... `msgstr[count - 1]`).
    public let count: Int
    private let expression: Expression

    /// English and every language gettext calls "Germanic": one form for 1, another for the rest.
    public static let english = PluralRule(count: 2, expression: .binary(.notEqual, .n, .constant(1)))

    private init(count: Int, expression: Expression) {
        self.count = count
        self.expression = expression
    }

    /// The rule of a `Plural-Forms` header value, or nil when it is malformed (then the catalogue's plural
    /// messages fall back to English).
    public init?(header: String) {
        var count: Int?
        var plural: String?
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "nplurals": count = Int(pair[1])
            case "plural": plural = pair[1]
            default: continue
            }
        }
        guard let count, (1...6).contains(count), let plural else { return nil }
        var parser = Parser(plural)
        guard let expression = parser.parse() else { return nil }
        self.init(count: count, expression: expression)
    }

    /// The index of the form `n` takes, always within `0..<count` (a rule that computes more gives the last form).
    public func form(for n: Int) -> Int {
        let value = expression.evaluate(UInt64(max(0, n)))
        return Int(min(value, UInt64(count - 1)))
    }

    // MARK: - The expression

    private indirect enum Expression: Sendable, Equatable {
        case n
        case constant(UInt64)
        case not(Expression)
        case binary(Operator, Expression, Expression)
        case conditional(Expression, Expression, Expression)

        func evaluate(_ n: UInt64) -> UInt64 {
            switch self {
            case .n: return n
            case .constant(let value): return value
            case .not(let operand): return operand.evaluate(n) == 0 ? 1 : 0
            case .conditional(let test, let then, let otherwise):
                return test.evaluate(n) != 0 ? then.evaluate(n) : otherwise.evaluate(n)
            case .binary(let op, let left, let right):
                let a = left.evaluate(n)
                // `||` and `&&` short-circuit as in C, so `n != 0 && 10 / n` cannot divide by zero.
                switch op {
                case .or: return a != 0 || right.evaluate(n) != 0 ? 1 : 0
                case .and: return a != 0 && right.evaluate(n) != 0 ? 1 : 0
                default: break
                }
                let b = right.evaluate(n)
                switch op {
                case .equal: return a == b ? 1 : 0
                case .notEqual: return a != b ? 1 : 0
                case .less: return a < b ? 1 : 0
                case .greater: return a > b ? 1 : 0
                case .lessOrEqual: return a <= b ? 1 : 0
                case .greaterOrEqual: return a >= b ? 1 : 0
                case .plus: return a &+ b
                case .minus: return a &- b
                case .times: return a &* b
                // gettext's own evaluator gives 0 for a division by zero rather than failing.
                case .divide: return b == 0 ? 0 : a / b
                case .remainder: return b == 0 ? 0 : a % b
                case .or, .and: return 0
                }
            }
        }
    }

    private enum Operator: String, Sendable, Equatable {
        case or = "||", and = "&&", equal = "==", notEqual = "!=", less = "<", greater = ">"
        case lessOrEqual = "<=", greaterOrEqual = ">=", plus = "+", minus = "-", times = "*", divide = "/"
        case remainder = "%"
    }

    /// A recursive-descent parser with C's precedence: `?:` < `||` < `&&` < equality < relational < additive <
    /// multiplicative < unary `!`.
    private struct Parser {
        private let tokens: [Token]
        private var position = 0
        private var depth = 0

        private enum Token: Equatable {
            case n, number(UInt64), symbol(String)
        }

        init(_ text: String) {
            var tokens: [Token] = []
            let characters = Array(text.unicodeScalars)
            var index = 0
            var valid = true
            while index < characters.count {
                let c = characters[index]
                if c == " " || c == "\t" || c == "\n" {
                    index += 1
                } else if c == "n" {
                    tokens.append(.n)
                    index += 1
                } else if ("0"..."9").contains(c) {
                    var value: UInt64 = 0
                    while index < characters.count, ("0"..."9").contains(characters[index]) {
                        let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                        let (sum, overflow2) = times.addingReportingOverflow(UInt64(characters[index].value - 48))
                        if overflow1 || overflow2 { valid = false }
                        value = sum
                        index += 1
                    }
                    tokens.append(.number(value))
                } else {
                    let pair = index + 1 < characters.count ? String(c) + String(characters[index + 1]) : ""
                    if ["||", "&&", "==", "!=", "<=", ">="].contains(pair) {
                        tokens.append(.symbol(pair))
                        index += 2
                    } else if "?:<>+-*/%!()".unicodeScalars.contains(c) {
                        tokens.append(.symbol(String(c)))
                        index += 1
                    } else {
                        valid = false
                        break
                    }
                }
            }
            // gettext's real rules are a few dozen tokens; a longer one is refused rather than built into a tree as
            // deep as its chain of operators (which evaluating and freeing would recurse through).
            self.tokens = valid && tokens.count <= 256 ? tokens : [.symbol("invalid")]
        }

        mutating func parse() -> Expression? {
            guard let expression = conditional(), position == tokens.count else { return nil }
            return expression
        }

        private func peek(_ symbol: String) -> Bool {
            position < tokens.count && tokens[position] == .symbol(symbol)
        }

        private mutating func conditional() -> Expression? {
            // A hostile header cannot exhaust the stack: gettext's real rules nest a few levels at most.
            depth += 1
            defer { depth -= 1 }
            guard depth < 64, let test = binary(level: 0) else { return nil }
            guard peek("?") else { return test }
            position += 1
            guard let then = conditional(), peek(":") else { return nil }
            position += 1
            guard let otherwise = conditional() else { return nil }
            return .conditional(test, then, otherwise)
        }

        private static let levels: [[Operator]] = [
            [.or], [.and], [.equal, .notEqual], [.less, .greater, .lessOrEqual, .greaterOrEqual], [.plus, .minus],
            [.times, .divide, .remainder],
        ]

        private mutating func binary(level: Int) -> Expression? {
            guard level < Self.levels.count else { return unary() }
            guard var left = binary(level: level + 1) else { return nil }
            while position < tokens.count, case .symbol(let symbol) = tokens[position],
                let op = Operator(rawValue: symbol), Self.levels[level].contains(op)
            {
                position += 1
                guard let right = binary(level: level + 1) else { return nil }
                left = .binary(op, left, right)
            }
            return left
        }

        private mutating func unary() -> Expression? {
            guard position < tokens.count else { return nil }
            switch tokens[position] {
            case .n:
                position += 1
                return .n
            case .number(let value):
                position += 1
                return .constant(value)
            case .symbol("!"):
                position += 1
                depth += 1
                defer { depth -= 1 }
                guard depth < 64, let operand = unary() else { return nil }
                return .not(operand)
            case .symbol("("):
                position += 1
                guard let inner = conditional(), peek(")") else { return nil }
                position += 1
                return inner
            default:
                return nil
            }
        }
    }
}
