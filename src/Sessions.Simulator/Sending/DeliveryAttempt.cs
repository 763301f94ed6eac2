using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.Sending;

/// <summary>One HTTP attempt at a delivery, as <see cref="SimulatorOptions.Attempted"/> is told of it.</summary>
/// <param name="Delivery">The planned delivery.</param>
/// <param name="Attempt">0 for the first attempt, then the retry's number.</param>
/// <param name="Status">The HTTP status, or 0 when the request failed in transport or had no answer in time.</param>
/// <param name="At">When the answer (or the transport failure) arrived.</param>
/// <param name="Elapsed">How long the attempt took, so it was sent at <c>At - Elapsed</c>.</param>
/// <param name="Detail">For an answer other than 2xx: the problem's <c>detail</c> or the transport error; else null.</param>
public sealed record DeliveryAttempt(PlannedDelivery Delivery, int Attempt, int Status, DateTimeOffset At, TimeSpan Elapsed, string? Detail)
{
    /// <summary>Answered 2xx: the delivery is acknowledged.</summary>
    public bool Acknowledged => Status is >= 200 and < 300;
}
