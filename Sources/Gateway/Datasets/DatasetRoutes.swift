import Hummingbird
import Marketplace
import Platform

/// `GET /api/datasets`: the bundled datasets and mine.
struct DatasetRoutes {
    let gateway: Gateway

    func add(to group: RouterGroup<GatewayContext>) {
        group.get("datasets") { _, context in
            try await gateway.backtests.datasets(of: try context.requireIdentity().user.id).map(DatasetView.init)
        }
    }
}
