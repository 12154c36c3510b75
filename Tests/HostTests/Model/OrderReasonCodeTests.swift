import Foundation
import Testing
@testable import Host

/// One code enum for every refusal, cancellation and expiry: its strings are
/// the API's, the wire's and the checkpoints', so they must stay unique and
/// encode exactly as the plain strings did.
@Suite struct OrderReasonCodeTests {
    @Test func everyRawValueIsUnique() {
        let raw = OrderReasonCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
    }

    @Test func rawValuesAreTheCaseNames() {
        // Interpolation, logs and `lunar run` print the code; it must read
        // as the wire string.
        for code in OrderReasonCode.allCases {
            #expect("\(code)" == code.rawValue)
        }
    }

    @Test func theStringsClientsKnowAreAllHere() {
        let known = [
            "killSwitch", "killSwitchReduceOnly", "dailyLoss", "insufficientBuyingPower", "noReferencePrice",
            "unknownInstrument", "invalidReplace", "unknownOrder", "iocUnfilled", "ocoCanceled",
            "unknownSymbol", "quantityTooSmall", "notionalOutOfRange", "reduceOnlyWouldIncrease", "invalidPrice",
            "noPosition", "squareOff", "canceledByOwner", "canceledByStrategy", "deploymentStopped",
            "deploymentFaulted", "closedPosition", "priceOutOfRange", "quantityOutOfRange",
        ]
        for string in known { #expect(OrderReasonCode(rawValue: string) != nil, "\(string)") }
    }

    @Test func anOrderReasonEncodesAsBefore() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let reason = OrderReason(code: .maxOrderQuantity, message: "quantity 2 exceeds 1", limit: "1")
        let json = String(decoding: try encoder.encode(reason), as: UTF8.self)
        #expect(json == #"{"code":"maxOrderQuantity","limit":"1","message":"quantity 2 exceeds 1"}"#)
        let bare = String(decoding: try encoder.encode(OrderReason(code: .squareOff, message: "m")), as: UTF8.self)
        #expect(bare == #"{"code":"squareOff","message":"m"}"#)
        #expect(try JSONDecoder().decode(OrderReason.self, from: Data(json.utf8)) == reason)
        #expect(reason.description == "maxOrderQuantity: quantity 2 exceeds 1")
    }

    @Test func anUnknownCodeDoesNotDecode() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(OrderReason.self, from: Data(#"{"code":"nope","message":"m"}"#.utf8))
        }
    }
}
