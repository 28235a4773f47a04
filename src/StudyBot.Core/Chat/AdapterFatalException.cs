namespace StudyBot.Core.Chat;

/// <summary>
/// An adapter cannot run (a revoked token, a disallowed intent, a disabled link) and the host must stop,
/// printing this message, which names the setting to fix. Thrown from a hosted service's StartAsync; at run
/// time an adapter logs it, sets <see cref="Environment.ExitCode"/> to 1 and stops the application.
/// </summary>
public sealed class AdapterFatalException(string message) : Exception(message);
