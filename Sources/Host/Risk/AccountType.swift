/// How a deployment's paper account may use its money (docs/risk.md,
/// "Buying power").
///
/// - `cash`: a buy's notional plus fees, together with the open buy orders,
///   must fit the available cash; short sales are refused.
/// - `margin`: positions may be long or short; the gross exposure if every
///   open order filled, plus this order's fees, must fit equity × the
///   maximum leverage (the initial-margin ratio is 1 / leverage).
///
/// Ordered by strictness, so the tightest layer wins: a cash account at any
/// layer makes the deployment a cash account.
public enum AccountType: String, Sendable, Codable, Comparable, CaseIterable {
    case cash, margin

    private var looseness: Int { self == .cash ? 0 : 1 }
    public static func < (lhs: AccountType, rhs: AccountType) -> Bool { lhs.looseness < rhs.looseness }
}

