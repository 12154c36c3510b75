import Foundation
import Host
import Sandbox

print("lunar")
