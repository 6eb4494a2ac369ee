package open311

import (
	"github.com/gridpulse/gridpulse/event"
)

// dangerAttribute is the question every service asks: whether anyone is
// in danger now. "yes" files the order as urgent, which starts it at the
// street with the shortest deadline.
var dangerAttribute = Attribute{
	Variable: true, Code: "danger", Datatype: "singlevaluelist", Required: false, Order: 1,
	DatatypeDescription: "yes or no",
	Description:         "此刻是否危及人身安全？ Is anyone in danger right now?",
	Values:              []Value{{Key: "yes", Name: "是 yes"}, {Key: "no", Name: "否 no"}},
}

// Services is the service list: one service per work-order category,
// grouped by class, named in Chinese with the English in the description
// and keywords.
func Services() []Service {
	out := make([]Service, 0, len(event.Categories))
	for _, c := range event.Categories {
		class, _ := event.Classes.Find(event.ClassOf(c.Code))
		out = append(out, Service{
			ServiceCode: c.Code, ServiceName: c.ZH, Description: class.EN + ": " + c.EN,
			Metadata: true, Type: "realtime", Keywords: c.EN + ", " + class.EN, Group: class.ZH,
		})
	}
	return out
}

// Definition is the definition of the service with this code.
func Definition(code string) (*ServiceDefinition, error) {
	if !event.Categories.Has(code) {
		return nil, notFound("service_code %q is not a service (GET services lists them)", code)
	}
	return &ServiceDefinition{ServiceCode: code, Attributes: []Attribute{dangerAttribute}}, nil
}
