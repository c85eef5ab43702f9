/// Index terms for catalog search that work for Chinese and for Latin text alike, stored in a
/// GIN-indexed `text[]` and matched with `@>` (contains all), so a search never scans the table.
///
/// Chinese has no spaces and most queries are two characters (铅笔, 文具), too short for
/// trigrams; so a run of Han characters contributes each character and each adjacent pair, and a
/// query matches when all its pairs (or its single character) are present, then the candidate
/// rows are rechecked with a substring test. A Latin word or code contributes every prefix (up to
/// 20 characters), so "penc" finds "pencil" and "a4-" finds "A4-80G".
public enum SearchTerms {
    static let maxPrefix = 20

    /// Terms to index for these texts (code, names, brand).
    public static func index(_ texts: [String]) -> [String] {
        var terms = Set<String>()
        for text in texts {
            for run in runs(text) {
                switch run {
                case .han(let characters):
                    for (i, character) in characters.enumerated() {
                        terms.insert(String(character))
                        if i + 1 < characters.count { terms.insert(String([character, characters[i + 1]])) }
                    }
                case .word(let word):
                    for length in 1...min(word.count, maxPrefix) { terms.insert(String(word.prefix(length))) }
                }
            }
        }
        return terms.sorted()
    }

    /// Terms a query needs: all must be present in a matching row's index terms.
    public static func query(_ text: String) -> [String] {
        var terms = Set<String>()
        for run in runs(text) {
            switch run {
            case .han(let characters):
                if characters.count == 1 { terms.insert(String(characters)) }
                for i in 0..<max(0, characters.count - 1) { terms.insert(String([characters[i], characters[i + 1]])) }
            case .word(let word):
                terms.insert(String(word.prefix(maxPrefix)))
            }
        }
        return terms.sorted()
    }

    enum Run { case han([Character]), word(String) }

    /// Splits lowercased text into Han runs and Latin/digit words; separators other than `-`,
    /// `_`, `.` and `/` (kept inside codes such as A4-80G) end a word.
    static func runs(_ text: String) -> [Run] {
        var result: [Run] = []
        var han: [Character] = []
        var word = ""
        func flush() {
            if !han.isEmpty { result.append(.han(han)); han = [] }
            if !word.isEmpty { result.append(.word(word)); word = "" }
        }
        for character in text.lowercased() {
            if isHan(character) {
                if !word.isEmpty { result.append(.word(word)); word = "" }
                han.append(character)
            } else if character.isLetter || character.isNumber || (!word.isEmpty && "-_./".contains(character)) {
                if !han.isEmpty { result.append(.han(han)); han = [] }
                word.append(character)
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    static func isHan(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }
}
