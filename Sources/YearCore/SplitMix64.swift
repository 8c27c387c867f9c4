/// SplitMix64: a small, fast random generator that gives the same numbers from the same seed on every platform (the
/// standard library's generator is not seedable). Generated schools, shuffles and random edits in tests use it, so
/// that a run is replayed from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The state; the seed to start from.
    public var state: UInt64

    /// A generator starting from `state`.
    public init(state: UInt64) { self.state = state }

    /// The next number.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`, as the generated schools have drawn them (modulo, not uniform: kept so that a seed
    /// gives the same school as before).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// One of `values`, drawn by `below`.
    public mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}
