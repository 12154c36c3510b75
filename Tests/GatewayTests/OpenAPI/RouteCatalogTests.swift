import Foundation
import Testing
import TestSupport
@testable import Gateway

/// The OpenAPI document is generated from the `RouteCatalog` that route
/// registration fills (`APIRoutes`); these tests keep every route going
/// through it and the catalog equal to what the server serves.
@Suite struct RouteCatalogTests {
    /// Hummingbird's own registration methods are used only for the
    /// routes outside `/api` (`/docs`, `/ws`, the console's `/` and `/console/**`), and a body is decoded only by
    /// `APIRoutes` from the type the route documents.
    @Test func everyRouteIsRegisteredThroughTheCatalog() throws {
        let sources = TestPaths.root.appendingPathComponent("Sources/Gateway")
        let raw = try NSRegularExpression(pattern: #"\brouter\.(get|post|put|delete|on)\("([^"]*)""#)
        let rawGroups = try NSRegularExpression(pattern: #"RouterGroup<GatewayContext>"#)
        var outside: [String] = []
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8), range = NSRange(text.startIndex..., in: text)
            for match in raw.matches(in: text, range: range) {
                let path = String(text[Range(match.range(at: 2), in: text)!])
                if !["docs", "ws", "/", "console/**"].contains(path) { outside.append("\(file.lastPathComponent): router route \(path)") }
            }
            if file.lastPathComponent != "APIRoutes.swift" {
                if !rawGroups.matches(in: text, range: range).isEmpty { outside.append("\(file.lastPathComponent): a raw RouterGroup") }
                if file.lastPathComponent != "StrictJSON.swift", text.contains(".decodeStrict(") {
                    outside.append("\(file.lastPathComponent): decodes a body outside APIRoutes")
                }
            }
        }
        #expect(outside.isEmpty, "\(outside)")
    }

    @Test func theCatalogHasEachOperationOnceWithItsBodyAndResponse() async throws {
        let fixture = try await GatewayFixture()
        let operations = fixture.gateway.routes().catalog.operations
        #expect(operations.count > 100)
        let keys = operations.map { "\($0.method) \($0.path)" }
        #expect(Set(keys).count == keys.count, "registered twice: \(Dictionary(grouping: keys) { $0 }.filter { $1.count > 1 }.keys.sorted())")
        for operation in operations {
            #expect(!operation.summary.isEmpty && operation.path.hasPrefix("/api/"), "\(operation.method) \(operation.path)")
            // A route that answers a body documents its schema; 204 has none.
            #expect((operation.response.status == 204) == (operation.response.schema == nil), "\(operation.method) \(operation.path)")
            if ["put"].contains(operation.method) || operation.path.hasSuffix("/reviews") && operation.method == "post" {
                #expect(operation.bodySchema != nil, "\(operation.method) \(operation.path) takes a body but documents none")
            }
        }
        let admin = operations.filter { $0.path.hasPrefix("/api/admin/") }
        #expect(!admin.isEmpty && admin.allSatisfy { $0.access == .admin && $0.tag == "admin" })
        #expect(operations.first { $0.path == "/api/webhooks/payments" }?.access == .signature)
        #expect(operations.first { $0.path == "/api/auth/login" }?.access == .anyone)
        #expect(operations.first { $0.path == "/api/auth/me" }?.access == .user)
    }

    @Test func everyCatalogedRouteExistsAndTheDocumentIsServed() async throws {
        let fixture = try await GatewayFixture()
        let operations = fixture.gateway.routes().catalog.operations
        try await fixture.run { api in
            for operation in operations {
                let path = operation.path.replacingOccurrences(of: "{symbol}", with: "BTCUSD")
                    .replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: "999999", options: .regularExpression)
                let reply = try await api.call(.init(rawValue: operation.method.uppercased())!, path)
                #expect(!(reply.status == 404 && reply.errorMessage.hasPrefix("no such route")), "\(operation.method) \(path) is not served")
            }
            let document = try await api.call(.get, "/api/openapi.json")
            #expect(document.json["openapi"] as? String == "3.1.0")
            #expect((document.json["paths"] as? [String: Any])?.count == Set(operations.map(\.path)).count)
            let page = try await api.call(.get, "/docs")
            #expect(page.status == 200 && page.text.contains("/api/deployments/{id}/start"))
        }
    }
}

/// A body refuses exactly the keys its published schema does not name: the
/// strict decoder's field list and the document are one list.
@Suite struct RequestBodyFieldTests {
    @Test func everyBodyAcceptsExactlyTheFieldsItDocuments() async throws {
        let fixture = try await GatewayFixture()
        let bodies = fixture.gateway.routes().catalog.operations.filter { $0.bodyFields != nil }
        #expect(bodies.count > 30)
        for operation in bodies {
            let documented = operation.bodySchema?.propertyNames ?? []
            #expect(Set(operation.bodyFields ?? []) == documented,
                    "\(operation.method) \(operation.path): fields \(operation.bodyFields ?? []) vs schema \(documented.sorted())")
        }
    }
}
