package check

// Status is a check's health as Consul spells it on the wire.
type Status string

// The statuses a check can hold. StatusMaintenance is the name Consul's
// health API uses as a filter value; a check in maintenance is stored with
// StatusCritical, so Valid rejects it as a check status.
const (
	StatusPassing     Status = "passing"
	StatusWarning     Status = "warning"
	StatusCritical    Status = "critical"
	StatusMaintenance Status = "maintenance"
)

// Valid reports whether s may be stored as a check's status (Consul's
// ValidStatus: passing, warning or critical).
func (s Status) Valid() bool {
	switch s {
	case StatusPassing, StatusWarning, StatusCritical:
		return true
	}
	return false
}

// ok reports whether a probe that returned s counts as a success for the
// thresholds. Consul counts warning as a success: only critical (or any
// other status) counts as a failure.
func (s Status) ok() bool { return s == StatusPassing || s == StatusWarning }

// Result is what one probe observed.
type Result struct {
	Status Status
	Output string
}
