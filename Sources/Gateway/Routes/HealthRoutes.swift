import Hummingbird
import Foundation
import Marketplace

/// `/api/health` (the process answers), `/api/health/ready` (the database
/// reads), `/api/version`.
struct HealthRoutes {
    let gateway: Gateway

    struct Health: ResponseEncodableBody, Codable {
        var status: String
        var database: String?
        var deployments: Int?
        var hostMode: String?
    }

    struct Version: ResponseEncodableBody, Codable {
        var name = "lunar"
        var version: String
        var schemaVersion: Int
        var hostMode: String
    }

    func add(to api: APIRoutes, catalog: RouteCatalog) {
        api.get("health", "The process answers") { _, _ in Health(status: "ok") }
        api.on(.get, "health/ready", "The database reads (503 when not)", response: Health.documentation) { _, _ in
            // A store that cannot even run the body is as unready as one that cannot read.
            let readable = (try? await gateway.store.read { $0.isReadable() }) ?? false
            let body = Health(status: readable ? "ready" : "not_ready", database: readable ? "ok" : "unreadable",
                              deployments: gateway.host.deploymentCount, hostMode: gateway.configuration.hostModeName)
            return try JSONResponse.make(body, status: readable ? .ok : .serviceUnavailable)
        }
        api.on(.get, "openapi.json", "This document", response: .json(.record([
            "openapi": .oneOfStrings(["3.1.0"]), "info": .record(["title": .text, "version": .text, "description": .text]),
            "paths": .dictionary(of: .any), "components": .dictionary(of: .any)]))) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json(catalog.operations, version: gateway.configuration.version))))
        }
        api.get("version", "Version, schema version and host mode") { _, _ in
            Version(version: gateway.configuration.version, schemaVersion: MarketplaceStore.schemaVersion,
                    hostMode: gateway.configuration.hostModeName)
        }
    }
}
