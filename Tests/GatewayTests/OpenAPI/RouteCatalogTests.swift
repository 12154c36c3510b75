import Foundation
import Testing
import TestSupport
@testable import Gateway

/// The OpenAPI document is generated from `RouteCatalog`; these tests keep
/// the catalog equal to what the server really serves.
@Suite struct RouteCatalogTests {
    @Test func everyRegisteredRouteIsInTheCatalog() throws {
        let sources = TestPaths.root.appendingPathComponent("Sources/Gateway")
        let pattern = try NSRegularExpression(pattern: #"\b(?:group|api|market|admin|router)\.(get|post|put|delete)\("([^"]+)""#)
        var registered: [(String, String)] = []
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let method = String(text[Range(match.range(at: 1), in: text)!])
                let path = String(text[Range(match.range(at: 2), in: text)!])
                guard !path.contains("\\("), path != "ws", path != "docs" else { continue }
                let openAPI = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                registered.append((method, openAPI))
            }
        }
        #expect(registered.count > 60)
        for (method, path) in registered {
            #expect(RouteCatalog.operations.contains { $0.method == method && $0.path.hasSuffix("/" + path) }, "\(method) \(path) is not in RouteCatalog")
        }
    }

    @Test func everyCatalogedRouteExistsAndTheDocumentIsServed() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            for operation in RouteCatalog.operations {
                let path = operation.path.replacingOccurrences(of: "{symbol}", with: "BTCUSD")
                    .replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: "999999", options: .regularExpression)
                let reply = try await api.call(.init(rawValue: operation.method.uppercased())!, path)
                #expect(!(reply.status == 404 && reply.errorMessage.hasPrefix("no such route")), "\(operation.method) \(path) is not served")
            }
            let document = try await api.call(.get, "/api/openapi.json")
            #expect(document.json["openapi"] as? String == "3.1.0")
            #expect((document.json["paths"] as? [String: Any])?.count == Set(RouteCatalog.operations.map(\.path)).count)
            let page = try await api.call(.get, "/docs")
            #expect(page.status == 200 && page.text.contains("/api/deployments/{id}/start"))
        }
    }
}

/// A body refuses exactly the keys its published schema does not name: the
/// strict decoder's field list and the document are one list.
@Suite struct RequestBodyFieldTests {
    @Test func everyBodyAcceptsExactlyTheFieldsItDocuments() {
        let bodies = RouteCatalog.operations.filter { $0.body != nil }
        #expect(bodies.count > 30)
        for operation in bodies {
            let documented = operation.bodySchema?.propertyNames ?? []
            #expect(Set(operation.body ?? []) == documented, "\(operation.method) \(operation.path): fields \(operation.body ?? []) vs schema \(documented.sorted())")
        }
    }
}
