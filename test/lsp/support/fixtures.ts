/**
 * Files the language-server suites share: a NodePort Service with the Deployment it selects (`WEB`, node port
 * 30080), a Service without selector (`API`, node port 30900), a zone that opens neither (`ZONE`) and one that
 * opens both (`ZONE_OPEN`).
 */
export const WEB = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
      nodePort: 30080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
`;

export const API = `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
  ports:
    - port: 9000
      nodePort: 30900
`;

export const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <service name="ssh"/>
</zone>
`;

export const ZONE_OPEN = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <service name="ssh"/>
  <port port="30080" protocol="tcp"/>
  <port port="30900" protocol="tcp"/>
</zone>
`;
