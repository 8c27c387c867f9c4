import Foundation

/// libFuzzer's entry point: each input goes to the target named by `YEARD_FUZZ_TARGET` (see `scripts/fuzz`).
///
/// The binary has no `main` of its own (it is compiled with `-parse-as-library`); libFuzzer's `main`, linked in by
/// `-sanitize=fuzzer`, drives it. A target that finds its oracle broken calls `FuzzTarget.fail`, which aborts, and
/// libFuzzer saves the input as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.selected.run(bytes)
    return 0
}

/// One parser under test and what must hold for every input it is given.
struct FuzzTarget: Sendable {
    /// The name `scripts/fuzz` knows it by, which is also its corpus directory under `Fuzz/corpus/`.
    let name: String
    /// Runs one input; calls `fail` when an oracle does not hold.
    let run: @Sendable ([UInt8]) -> Void

    /// Every target, in the order `scripts/fuzz --all` runs them.
    static let all: [FuzzTarget] = [
        varlinkMessage, varlinkFrame, dispatch, csv, toml, cron, values, catalogue,
    ]

    /// The target named by `YEARD_FUZZ_TARGET`; the process exits with the list of names when there is none.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["YEARD_FUZZ_TARGET"] ?? ""
        if let target = all.first(where: { $0.name == name }) { return target }
        FileHandle.standardError.write(
            Data("yeard-fuzz: set YEARD_FUZZ_TARGET to one of: \(all.map(\.name).joined(separator: ", "))\n".utf8))
        exit(2)
    }()

    /// Reports a broken oracle and aborts, so that libFuzzer keeps the input.
    static func fail(_ message: String, input: [UInt8]) -> Never {
        let shown = String(decoding: input.prefix(400), as: UTF8.self).debugDescription
        FileHandle.standardError.write(Data("yeard-fuzz: oracle broken: \(message)\n  input: \(shown)\n".utf8))
        abort()
    }
}
