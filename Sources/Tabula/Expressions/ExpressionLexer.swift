/// One token of expression text.
struct _ExpressionToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A bare name: a column, a function or a keyword (`and`, `null`…).
        case identifier(String)
        /// A name in backticks: always a column.
        case quotedIdentifier(String)
        /// The digits of an integer literal (range-checked by the parser, which knows the sign).
        case integer(String)
        case float(Double)
        case string(String)
        /// An operator or punctuation: `+ - * / // % = == != <> < <= > >= ( ) ,`.
        case symbol(String)
        case end
    }

    var kind: Kind
    var position: ExpressionPosition

    /// The token as quoted in error messages.
    var quoted: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .quotedIdentifier(let name): return Expression.quotedName(name)
        case .integer(let digits): return digits
        case .float(let value): return value.description
        case .string(let s): return Expression.quotedString(s)
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of input"
        }
    }
}

/// Splits expression text into tokens, tracking 1-based line and column (in Unicode scalars).
struct _ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// All tokens, ending with `.end`.
    static func tokenize(_ text: String) throws(ExpressionError) -> [_ExpressionToken] {
        var lexer = _ExpressionLexer(text)
        var tokens: [_ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? (c.properties.isAlphabetic || c == "_") : c.properties.isAlphabetic
    }

    static func isIdentifierContinuation(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || ("0"..."9").contains(c) || (!c.isASCII && c.properties.numericType != nil)
    }

    private var position: ExpressionPosition { ExpressionPosition(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        let c = scalars[index]
        index += 1
        if c == "\n" || (c == "\r" && peek() != "\n") {
            line += 1
            column = 1
        } else if c != "\r" {
            column += 1
        }
    }

    private func error(_ message: String, at position: ExpressionPosition) -> ExpressionError {
        ExpressionError(.syntax, message, at: position)
    }

    mutating func next() throws(ExpressionError) -> _ExpressionToken {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
        let start = position
        guard let c = peek() else { return _ExpressionToken(kind: .end, position: start) }
        let kind: _ExpressionToken.Kind
        if ("0"..."9").contains(c) {
            kind = try number(start)
        } else if Self.isIdentifierStart(c) {
            var name = ""
            while let d = peek(), Self.isIdentifierContinuation(d) {
                name.unicodeScalars.append(d)
                advance()
            }
            kind = .identifier(name)
        } else if c == "`" {
            kind = .quotedIdentifier(try quoted(start))
        } else if c == "\"" {
            kind = .string(try string(start))
        } else {
            kind = .symbol(try symbol(start))
        }
        return _ExpressionToken(kind: kind, position: start)
    }

    private mutating func number(_ start: ExpressionPosition) throws(ExpressionError) -> _ExpressionToken.Kind {
        var text = ""
        var isFloat = false
        func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { ("0"..."9").contains($0) } ?? false }
        while isDigit(peek()) {
            text.unicodeScalars.append(peek()!)
            advance()
        }
        if peek() == "." {
            guard isDigit(peek(1)) else { throw error("expected a digit after '.' in a number", at: position) }
            isFloat = true
            text += "."
            advance()
            while isDigit(peek()) {
                text.unicodeScalars.append(peek()!)
                advance()
            }
        }
        if peek() == "e" || peek() == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            guard isDigit(peek(signed ? 2 : 1)) else {
                throw error("expected digits in the exponent of a number", at: position)
            }
            isFloat = true
            text += "e"
            advance()
            if signed {
                text.unicodeScalars.append(peek()!)
                advance()
            }
            while isDigit(peek()) {
                text.unicodeScalars.append(peek()!)
                advance()
            }
        }
        if let c = peek(), Self.isIdentifierContinuation(c) || c == "." {
            throw error("unexpected '\(c)' after the number \(text)", at: position)
        }
        guard isFloat else { return .integer(text) }
        guard let value = Double(text), value.isFinite else {
            throw ExpressionError(.invalidLiteral, "the number \(text) is out of the range of Double", at: start)
        }
        return .float(value)
    }

    private mutating func quoted(_ start: ExpressionPosition) throws(ExpressionError) -> String {
        advance()  // opening backtick
        var name = ""
        while true {
            guard let c = peek() else {
                throw error("unterminated quoted name (missing closing `)", at: start)
            }
            advance()
            if c == "`" {
                guard peek() == "`" else { break }
                advance()  // a doubled backtick is one backtick
            }
            name.unicodeScalars.append(c)
        }
        if name.isEmpty { throw error("empty column name ``", at: start) }
        return name
    }

    private mutating func string(_ start: ExpressionPosition) throws(ExpressionError) -> String {
        advance()  // opening quote
        var value = ""
        while true {
            guard let c = peek() else {
                throw error("unterminated string (missing closing \")", at: start)
            }
            if c == "\"" {
                advance()
                return value
            }
            if c == "\\" {
                let escapePosition = position
                advance()
                switch peek() {
                case "\"": value += "\""
                case "\\": value += "\\"
                case "n": value += "\n"
                case "r": value += "\r"
                case "t": value += "\t"
                case let other?:
                    throw error(
                        "invalid escape '\\\(other)' in a string (use \\\\ for a backslash)", at: escapePosition)
                case nil:
                    throw error("unterminated string (missing closing \")", at: start)
                }
                advance()
                continue
            }
            value.unicodeScalars.append(c)
            advance()
        }
    }

    private mutating func symbol(_ start: ExpressionPosition) throws(ExpressionError) -> String {
        let c = peek()!
        let d = peek(1)
        let two: String? =
            switch (c, d) {
            case ("/", "/"): "//"
            case ("=", "="): "=="
            case ("!", "="): "!="
            case ("<", ">"): "<>"
            case ("<", "="): "<="
            case (">", "="): ">="
            default: nil
            }
        if let two {
            advance()
            advance()
            return two
        }
        switch c {
        case "+", "-", "*", "/", "%", "=", "<", ">", "(", ")", ",":
            advance()
            return String(c)
        case "!": throw error("unexpected '!'; write 'not x' or 'a != b'", at: start)
        case "&": throw error("unexpected '&'; write 'and'", at: start)
        case "|": throw error("unexpected '|'; write 'or'", at: start)
        case "'": throw error("strings are written in double quotes: \"text\"", at: start)
        default: throw error("unexpected character '\(c)'", at: start)
        }
    }
}
