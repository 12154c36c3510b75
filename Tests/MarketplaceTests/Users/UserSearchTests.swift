import Testing
@testable import Marketplace

@Suite struct UserSearchTests {
    @Test func moderatorsSearchUsersAndListAllDeployments() throws {
        let fixture = try StoreFixture()
        let alice = try fixture.user("alice")
        _ = try fixture.user("bob")
        #expect(try fixture.store.users(matching: "ali", by: fixture.admin.id).map(\.username) == ["alice"])
        #expect(try fixture.store.users(matching: "%", by: fixture.admin.id).isEmpty)
        let all = try fixture.store.users(matching: nil, limit: 2, by: fixture.admin.id)
        #expect(all.map(\.username) == ["bob", "alice"])
        #expect(try fixture.store.users(matching: nil, before: all.last?.id, limit: 100, by: fixture.admin.id).count == 2)
        #expect(throws: StoreError.self) { try fixture.store.users(matching: nil, by: alice.id) }
        #expect(try fixture.store.allDeployments(by: fixture.admin.id).isEmpty)
        #expect(throws: StoreError.self) { try fixture.store.allDeployments(status: "sideways", by: fixture.admin.id) }
        #expect(throws: StoreError.self) { try fixture.store.allDeployments(by: alice.id) }
    }
}
