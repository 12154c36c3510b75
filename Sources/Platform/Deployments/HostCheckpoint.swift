import Host

/// The Host's `DeploymentCheckpoint` (a kernel's account, orders and state),
/// under a name the platform (and its callers) can use: Marketplace's journal type of the same
/// name shadows it where both modules are imported, and Foundation's `Host`
/// class hides the module name. This file imports Host alone on purpose.
public typealias HostCheckpoint = DeploymentCheckpoint
