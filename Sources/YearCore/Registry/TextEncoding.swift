/// The encodings registry files arrive in: UTF-8 (with or without a byte-order mark), Windows-1251 (what Russian
/// Excel writes when it saves "CSV (разделители - запятые)"), and UTF-16 with a byte-order mark (Excel's "Unicode
/// text"). The raw values are the wire's (Varlink enum values cannot hold a hyphen); `name` is the one people read.
public enum TextEncoding: String, ClosedSet {
    case utf8, windows1251, utf16le, utf16be

    /// The encoding a person names (`windows-1251`, `cp1251`, `UTF-8`, `utf16le`), or nil.
    public init?(named text: String) {
        let folded = text.lowercased().filter { $0 != "-" && $0 != "_" }
        switch folded {
        case "utf8": self = .utf8
        case "windows1251", "cp1251": self = .windows1251
        case "utf16le": self = .utf16le
        case "utf16be": self = .utf16be
        default: return nil
        }
    }

    /// The name as people and iconv know it.
    public var name: String { iconvName }

    /// The name glibc's iconv knows the encoding by.
    public var iconvName: String {
        switch self {
        case .utf8: "UTF-8"
        case .windows1251: "WINDOWS-1251"
        case .utf16le: "UTF-16LE"
        case .utf16be: "UTF-16BE"
        }
    }

    /// How many bytes a file's own byte-order mark takes in this encoding (removed before converting).
    public static func byteOrderMark(_ prefix: some Collection<UInt8>) -> (TextEncoding, length: Int)? {
        let bytes = Array(prefix.prefix(3))
        if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE { return (.utf16le, 2) }
        if bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF { return (.utf16be, 2) }
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return (.utf8, 3) }
        return nil
    }

    /// The encoding of a file judged from its first bytes (`isWhole`: the prefix is the whole file), or nil when it
    /// is none of these: then the import is refused with a sentence on how to save the file as UTF-8.
    ///
    /// UTF-16 is recognised by its byte-order mark only (a file without one is not guessed). Text that is valid
    /// UTF-8 is UTF-8 (a prefix may end inside a character). Otherwise Windows-1251 is recognised by where its
    /// letters fall: in Russian text nearly every byte above 0x7F is a Cyrillic letter (0xC0-0xFF, `Ё` 0xA8, `ё`
    /// 0xB8) or the few signs Russian documents use (`№` 0xB9, `«` `»`, dashes, the no-break space), and lower-case
    /// letters (0xE0-0xFF) outnumber capitals. KOI8-R's capitals sit where Windows-1251's lower-case letters do,
    /// and CP866's letters mostly below 0xC0, so neither passes.
    public static func sniff(_ prefix: [UInt8], isWhole: Bool) -> TextEncoding? {
        if let (encoding, _) = byteOrderMark(prefix) { return encoding }
        if isValidUTF8(prefix, allowCutEnd: !isWhole) { return .utf8 }
        var high = 0
        var letters = 0
        var lower = 0
        var upper = 0
        // Cyrillic words are all high bytes; the accented letters of Latin-1 and Windows-1252 text (é, ü, ç, also
        // in 0xE0-0xFF) sit among ASCII letters. Letters beside an ASCII letter are counted to tell them apart.
        var besideLatin = 0
        func isASCIILetter(_ index: Int) -> Bool {
            guard index >= 0, index < prefix.count else { return false }
            let byte = prefix[index] | 0x20
            return byte >= 0x61 && byte <= 0x7A
        }
        for (index, byte) in prefix.enumerated() where byte >= 0x80 {
            if byte >= 0xC0 && (isASCIILetter(index - 1) || isASCIILetter(index + 1)) { besideLatin += 1 }
            high += 1
            switch byte {
            case 0xE0...0xFF, 0xB8:
                letters += 1
                lower += 1
            case 0xC0...0xDF, 0xA8:
                letters += 1
                upper += 1
            case 0xB9, 0xAB, 0xBB, 0x96, 0x97, 0xA0, 0x93, 0x94, 0x85: letters += 1
            default: break
            }
        }
        guard high > 0, letters * 100 >= high * 95, lower >= upper, besideLatin * 10 <= letters else { return nil }
        return .windows1251
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF); with
    /// `allowCutEnd`, a character cut off at the very end is allowed (the prefix of a longer file).
    public static func isValidUTF8(_ bytes: [UInt8], allowCutEnd: Bool) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let (length, second) = UTF8Form.sequence(lead: lead) else { return false }
            for offset in 1..<length {
                guard index + offset < count else { return allowCutEnd }
                guard (offset == 1 ? second : 0x80...0xBF).contains(bytes[index + offset]) else { return false }
            }
            index += length
        }
        return true
    }
}

/// The well-formed byte sequences of UTF-8 (Unicode 15, table 3-7), shared by the readers that check them.
public enum UTF8Form {
    /// For a lead byte above 0x7F, the sequence's length and the range its second byte must fall in (the others
    /// are 0x80-0xBF); nil for a byte that cannot start a sequence.
    public static func sequence(lead: UInt8) -> (length: Int, second: ClosedRange<UInt8>)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        default: nil
        }
    }
}
