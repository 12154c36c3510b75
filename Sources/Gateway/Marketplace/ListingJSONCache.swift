import Foundation
import Hummingbird
import Marketplace
import Synchronization

/// Listings as JSON, encoded once per distinct listing value. Encoding a
/// page of 20 listings with `JSONEncoder` was 42% of the server's CPU on the
/// search route (perf, `scripts/bench-http.sh`); a page is now its listings'
/// cached bytes joined. A hit requires the stored listing to equal the one
/// just read (every field), so a changed listing is re-encoded, never served
/// stale. Bounded: when full it starts over.
final class ListingJSONCache: Sendable {
    private let entries = Mutex<[ListingID: (listing: Listing, json: Data)]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    func json(for listing: Listing) throws -> Data {
        if let hit = entries.withLock({ $0[listing.id] }), hit.listing == listing { return hit.json }
        let json = try JSONEncoder().encode(ListingView(listing))
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[listing.id] = (listing, json)
        }
        return json
    }
}

/// A search page, `{"listings": [...], "nextCursor": ...}` (schema:
/// `SearchPageView`): the body is written from the cached listing bytes, or
/// is a page `SearchPageCache` kept.
struct SearchPageResponse: DocumentedResponse {
    static var documentation: ResponseDocumentation { .json(.ref(SearchPageView.self)) }
    var body: ByteBuffer

    init(body: ByteBuffer) { self.body = body }

    init(listings: [Listing], nextCursor: String?, cache: ListingJSONCache) throws {
        var buffer = ByteBuffer()
        buffer.writeStaticString(#"{"listings":["#)
        for (index, listing) in listings.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeBytes(try cache.json(for: listing))
        }
        buffer.writeStaticString("]")
        if let nextCursor {
            buffer.writeStaticString(#","nextCursor":"#)
            buffer.writeBytes(try JSONEncoder().encode(nextCursor))
        }
        buffer.writeStaticString("}")
        body = buffer
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: body))
    }
}
