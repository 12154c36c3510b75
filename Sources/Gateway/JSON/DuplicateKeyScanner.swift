import Foundation

/// Finds a key that appears twice in one JSON object, which
/// `JSONSerialization` and `JSONDecoder` would silently resolve (one value
/// wins), so a proxy or audit log that reads the other one sees a different
/// request. Validation only, never values: it runs after `JSONSerialization`
/// accepted the bytes, so it may assume well-formed JSON and only tracks
/// strings (with their escapes), nesting, and which object key it is at.
enum DuplicateKeyScanner {
    private enum Frame {
        case object(path: String, keys: Set<String>, expectingKey: Bool, key: String)
        case array(path: String, index: Int)
    }

    /// The path of the first repeated key (`orders[1].side`, or `side` at
    /// the top level), or nil when every object's keys are distinct.
    static func firstDuplicate(in bytes: some Collection<UInt8>) -> String? {
        var stack: [Frame] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            bytes.formIndex(after: &index)
            switch byte {
            case UInt8(ascii: "\""):
                let start = index
                while bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { bytes.formIndex(after: &index) }
                    bytes.formIndex(after: &index)
                }
                let raw = bytes[start..<index]
                bytes.formIndex(after: &index)
                guard case .object(let path, var keys, true, _)? = stack.last else { continue }
                let key = decodeKey(raw)
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                guard keys.insert(key).inserted else { return keyPath }
                stack[stack.count - 1] = .object(path: path, keys: keys, expectingKey: false, key: key)
            case UInt8(ascii: "{"):
                stack.append(.object(path: childPath(stack.last), keys: [], expectingKey: true, key: ""))
            case UInt8(ascii: "["):
                stack.append(.array(path: childPath(stack.last), index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                stack.removeLast()
            case UInt8(ascii: ","):
                switch stack.last {
                case .object(let path, let keys, _, let key)?: stack[stack.count - 1] = .object(path: path, keys: keys, expectingKey: true, key: key)
                case .array(let path, let position)?: stack[stack.count - 1] = .array(path: path, index: position + 1)
                case nil: break
                }
            default:
                continue
            }
        }
        return nil
    }

    private static func childPath(_ parent: Frame?) -> String {
        switch parent {
        case nil: ""
        case .object(let path, _, _, let key)?: path.isEmpty ? key : "\(path).\(key)"
        case .array(let path, let index)?: "\(path)[\(index)]"
        }
    }

    /// A key as the decoders see it: escapes resolved (`"\u0061"` is `"a"`).
    private static func decodeKey(_ raw: some Collection<UInt8>) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        return (try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed)) as? String
            ?? String(decoding: raw, as: UTF8.self)
    }
}
