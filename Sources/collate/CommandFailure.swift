/// A command that was typed right but cannot run yet or on this input (a stage before the one
/// it needs, files that disagree). ArgumentParser prints "Error: <description>" and exits 1;
/// a ValidationError would add the usage text, as if the command line were the mistake.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
