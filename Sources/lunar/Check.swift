import ArgumentParser
import Foundation
import Sandbox

/// `lunar check STRATEGY.lua`: compiles and runs a script's main chunk in a
/// sandbox and reports the first error with its line.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compile a strategy in the sandbox and report errors.")

    @Argument(help: "The strategy script.") var script: String

    func run() throws {
        let source = try ScriptFile.read(script)
        do {
            let sandbox = try Sandbox(logHandler: { print("[script] \($0.text)") })
            try sandbox.load(source, chunkName: ScriptFile.chunkName(script))
            let callbacks = ["on_start", "on_bar", "on_tick", "on_book", "on_order", "on_fill", "on_timer", "on_stop"]
                .filter(sandbox.hasFunction(named:))
            print("ok: \(script) compiles; callbacks: \(callbacks.isEmpty ? "none" : callbacks.joined(separator: ", "))")
            print("memory after load: \(sandbox.memoryUsed) bytes")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(65)
        }
    }
}

/// Reading script files with errors that name the path.
enum ScriptFile {
    static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// The name errors show: the file's last path component.
    static func chunkName(_ path: String) -> String {
        URL(fileURLWithPath: path).lastPathComponent
    }
}
