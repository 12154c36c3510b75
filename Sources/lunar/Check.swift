import ArgumentParser
import Foundation
import Host
import Sandbox

/// `lunar check STRATEGY.lua`: compiles and runs a script's main chunk in a
/// sandbox, validates its `strategy` declaration and parameter values with
/// the server's own code (`StrategyInspection`, `StrategySchema.resolve`),
/// lists the parameters, and warns when no callback could ever trade.
///
/// Exit codes: 0 the script is valid (warnings allowed); 65 it does not
/// compile, its main chunk fails, or its declaration or parameters are
/// invalid; 64 bad command-line arguments.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compile a strategy in the sandbox, validate its declaration and report errors.")

    @Argument(help: "The strategy script.") var script: String
    @Option(name: .customLong("param"), help: "Parameter value name=value to validate (repeatable).") var parameters: [String] = []

    func run() throws {
        let source = try ScriptFile.read(script)
        var texts: [String: String] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--param expects name=value, got '\(parameter)'") }
            texts[String(parts[0])] = String(parts[1])
        }
        let inspection: StrategyInspection
        do {
            inspection = try StrategyInspection.inspect(source: source, chunkName: ScriptFile.chunkName(script),
                                                         logHandler: { print("[script] \($0.text)") })
        } catch {
            var text = "error: \(error)\n"
            if case .runtime(let scriptError) = error, !scriptError.traceback.isEmpty { text += scriptError.traceback + "\n" }
            FileHandle.standardError.write(Data(text.utf8))
            throw ExitCode(65)
        }
        let callbacks = inspection.callbacks
        print("ok: \(script) compiles; callbacks: \(callbacks.isEmpty ? "none" : callbacks.joined(separator: ", "))")
        var errors = inspection.schemaIssues.map { "schema: \($0)" }
        if let schema = inspection.schema {
            print("strategy: \(schema.name) \(schema.version)\(schema.symbols.isEmpty ? "" : " on \(schema.symbols.joined(separator: ", "))")")
            let lines = inspection.parameterLines
            print(lines.isEmpty ? "parameters: none" : "parameters:")
            for line in lines { print("  \(line)") }
            do {
                _ = try schema.resolve(texts: texts)
            } catch {
                errors += error.issues.map { "parameters: \($0)" }
            }
        }
        for warning in inspection.warnings { print("warning: \(warning)") }
        print("memory after load: \(ByteCount.text(inspection.memoryUsed))")
        if !errors.isEmpty {
            FileHandle.standardError.write(Data(errors.map { "error: \($0)\n" }.joined().utf8))
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
