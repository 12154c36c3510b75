import Foundation

/// JSON documents stored in TEXT columns (schemas, reports, parameters):
/// sorted keys so equal values store equal bytes.
enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw StoreError.corrupt("cannot encode \(T.self)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws(StoreError) -> T {
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw StoreError.corrupt("cannot decode stored \(T.self)")
        }
    }
}
