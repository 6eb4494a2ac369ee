package live

import (
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
)

// Layer names one kind of live thing; it is also the layer name clients
// subscribe to.
type Layer string

// The live layers.
const (
	Orders  Layer = "orders"
	Alarms  Layer = "alarms"
	Patrols Layer = "patrols"
)

// View is the current state of one live thing: *Order, *Alarm or *Worker.
// Views are immutable once the state has published them (a change makes a
// new view), so snapshots and the hub share them without copying; callers
// must not modify them.
type View interface {
	// Layer is the layer the view belongs to.
	Layer() Layer
	// ID is the order, alarm or worker id.
	ID() string
	// Where is the view's position and the areas holding it.
	Where() (event.Position, *event.Chain)
}

// Order is an open work order as the dashboard shows it.
type Order struct {
	OrderID  string         `json:"order_id"`
	State    event.State    `json:"state"`
	Channel  event.Channel  `json:"channel,omitempty"`
	Category string         `json:"category,omitempty"`
	Priority event.Priority `json:"priority,omitempty"`
	Title    string         `json:"title,omitempty"`
	Location event.Position `json:"location"`
	Area     event.Chain    `json:"area"`
	// Opened is the time of the first event seen for the order.
	Opened   event.Time  `json:"opened"`
	Updated  event.Time  `json:"updated"`
	Deadline *event.Time `json:"deadline,omitempty"`
	// Overdue is true when the order is open and its deadline has passed,
	// as of the state's clock when the view was made (the sweep remakes
	// the view when the deadline passes).
	Overdue     bool   `json:"overdue"`
	Escalations int    `json:"escalations"`
	Assignee    string `json:"assignee,omitempty"`
	// Seq is the events-stream sequence of the event the view reflects.
	Seq uint64 `json:"seq"`
}

// Alarm is an active (raised or acknowledged) sensor alarm.
type Alarm struct {
	AlarmID    string           `json:"alarm_id"`
	DeviceID   string           `json:"device_id"`
	DeviceType event.DeviceType `json:"device_type"`
	Kind       event.AlarmKind  `json:"kind"`
	Severity   event.Severity   `json:"severity"`
	Status     AlarmStatus      `json:"status"`
	Message    string           `json:"message,omitempty"`
	// Raised is the raise event's time, or the earliest event seen when
	// the raise has already left the stream.
	Raised   event.Time     `json:"raised"`
	Updated  event.Time     `json:"updated"`
	Location event.Position `json:"location"`
	Area     event.Chain    `json:"area"`
	Seq      uint64         `json:"seq"`
}

// AlarmStatus is where an active alarm stands.
type AlarmStatus string

// The statuses of an alarm. Active alarms are raised or acknowledged; a
// cleared alarm leaves the state, and only the last view handed out with
// its removal says cleared.
const (
	AlarmRaised       AlarmStatus = "raised"
	AlarmAcknowledged AlarmStatus = "acknowledged"
	AlarmCleared      AlarmStatus = "cleared"
)

// Worker is a grid worker's latest known position.
type Worker struct {
	WorkerID string         `json:"worker_id"`
	Name     string         `json:"name,omitempty"`
	Role     event.Role     `json:"role"`
	OnDuty   bool           `json:"on_duty"`
	Heading  float64        `json:"heading"`
	Speed    float64        `json:"speed"`
	Battery  float64        `json:"battery,omitempty"`
	HomeGrid string         `json:"home_grid,omitempty"`
	Location event.Position `json:"location"`
	Area     event.Chain    `json:"area"`
	// Updated is the time of the position report.
	Updated event.Time   `json:"updated"`
	Status  WorkerStatus `json:"status"`
}

// WorkerStatus says how recently a worker reported.
type WorkerStatus string

// The worker statuses, by growing silence (Config.StaleAfter,
// Config.OfflineAfter).
const (
	WorkerActive  WorkerStatus = "active"
	WorkerStale   WorkerStatus = "stale"
	WorkerOffline WorkerStatus = "offline"
)

// Layer, ID and Where make the views Views.
func (o *Order) Layer() Layer                           { return Orders }
func (o *Order) ID() string                             { return o.OrderID }
func (o *Order) Where() (event.Position, *event.Chain)  { return o.Location, &o.Area }
func (a *Alarm) Layer() Layer                           { return Alarms }
func (a *Alarm) ID() string                             { return a.AlarmID }
func (a *Alarm) Where() (event.Position, *event.Chain)  { return a.Location, &a.Area }
func (w *Worker) Layer() Layer                          { return Patrols }
func (w *Worker) ID() string                            { return w.WorkerID }
func (w *Worker) Where() (event.Position, *event.Chain) { return w.Location, &w.Area }

// point is a position as an orb point for the spatial indexes.
func point(p event.Position) orb.Point { return orb.Point{p[0], p[1]} }
