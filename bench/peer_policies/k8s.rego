# K1..K5 of the dsaudit peer benchmark, written in Rego v1 for regopy (bench/rego_peer.py).
# `violations` is a set of "Kn:<name>" strings, so a resource fails each check at most once,
# however many of its containers fail it (the same counting as the ground truth).
package bench.k8s

import rego.v1

pod_containers contains c if {
	input.kind == "Deployment"
	some c in input.spec.template.spec.containers
}

resource := input.metadata.name

violations contains sprintf("K1:%s", [resource]) if {
	some c in pod_containers
	c.securityContext.privileged == true
}

violations contains sprintf("K2:%s", [resource]) if {
	some c in pod_containers
	not has_limits(c)
}

has_limits(c) if {
	c.resources.limits.cpu
	c.resources.limits.memory
}

violations contains sprintf("K3:%s", [resource]) if {
	some c in pod_containers
	some e in c.env
	"value" in object.keys(e)
	regex.match(`PASSWORD|SECRET|TOKEN|API_KEY`, e.name)
}

violations contains sprintf("K4:%s", [resource]) if {
	input.kind == "ConfigMap"
	input.data["tls.enabled"] == "false"
}

violations contains sprintf("K5:%s", [resource]) if {
	input.kind == "ConfigMap"
	to_number(input.data["log.retention.days"]) < 180
}
