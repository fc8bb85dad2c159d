/// The REST API shape: stage `v1` requires an API key on every POST, with a usage plan (quota,
/// rate and burst as parameters) enforced by API Gateway, so abusive traffic is refused before it
/// costs an invocation; OPTIONS stays open for CORS preflight.
extension SAMTemplate {
    static let restParameters = """
          QuotaLimit:
            Type: Number
            Default: 10000
            MinValue: 1
            Description: Requests each API key may make per QuotaPeriod.
          QuotaPeriod:
            Type: String
            Default: MONTH
            AllowedValues: [DAY, WEEK, MONTH]
          ThrottleRateLimit:
            Type: Number
            Default: 1000
            MinValue: 1
            Description: Steady-state requests per second per API key.
          ThrottleBurstLimit:
            Type: Number
            Default: 1000
            MinValue: 1
            Description: Requests per API key that may arrive at once above the rate.

        """

    static let restResources = """
          Api:
            Type: AWS::Serverless::Api
            Properties:
              Name: !Sub "${AppName}-${Environment}"
              StageName: v1
              Auth:
                ApiKeyRequired: true
                AddApiKeyRequiredToCorsPreflight: false
              Tags:
                App: !Ref AppName
                Environment: !Ref Environment

          ApiKey:
            Type: AWS::ApiGateway::ApiKey
            Properties:
              Name: !Sub "${AppName}-${Environment}-key"
              Enabled: true
              Tags:
                - Key: App
                  Value: !Ref AppName
                - Key: Environment
                  Value: !Ref Environment

          UsagePlan:
            Type: AWS::ApiGateway::UsagePlan
            Properties:
              UsagePlanName: !Sub "${AppName}-${Environment}-plan"
              ApiStages:
                - ApiId: !Ref Api
                  Stage: !Ref Api.Stage
              Quota:
                Limit: !Ref QuotaLimit
                Period: !Ref QuotaPeriod
              Throttle:
                RateLimit: !Ref ThrottleRateLimit
                BurstLimit: !Ref ThrottleBurstLimit
              Tags:
                - Key: App
                  Value: !Ref AppName
                - Key: Environment
                  Value: !Ref Environment

          UsagePlanKey:
            Type: AWS::ApiGateway::UsagePlanKey
            Properties:
              KeyId: !Ref ApiKey
              KeyType: API_KEY
              UsagePlanId: !Ref UsagePlan

        """

    static let restEvents = """
                Infer:
                  Type: Api
                  Properties:
                    RestApiId: !Ref Api
                    Path: /infer/{model}
                    Method: POST
                    Auth:
                      ApiKeyRequired: true
                InferPreflight:
                  Type: Api
                  Properties:
                    RestApiId: !Ref Api
                    Path: /infer/{model}
                    Method: OPTIONS
                    Auth:
                      ApiKeyRequired: false
        """

    static let restErrorAlarm = rollbackAlarm(
        "ApiServerErrorAlarm", suffix: "api-5xx",
        description:
            "Answers with a 5xx status (a model that fails to load, a crashed runtime); rolls a canary deployment back.",
        namespace: "AWS/ApiGateway", metric: "5XXError",
        dimensions: [("ApiName", #"!Sub "${AppName}-${Environment}""#), ("Stage", "v1")])

    static let restOutputs = """
          InferUrl:
            Description: POST a JSON object with a text field to this URL followed by a model name, with the x-api-key header.
            Value: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/v1/infer/"
          ApiKeyId:
            Description: "The key's value: aws apigateway get-api-key --include-value --api-key <id>"
            Value: !Ref ApiKey
        """
}
