/// The DynamoDB table behind `--key-store dynamodb`: keys, plans and quota counters shared by
/// every execution environment, so an HTTP API's quotas are exact however many environments
/// Lambda runs. On-demand capacity costs nothing while idle; TTL deletes counters of past
/// periods. The table is retained when the stack is deleted or replaced: it holds the keys.
extension SAMTemplate {
    static let keyTableResource = """
          KeyTable:
            Type: AWS::DynamoDB::Table
            DeletionPolicy: Retain
            UpdateReplacePolicy: Retain
            Properties:
              TableName: !Sub "${AppName}-${Environment}-keys"
              BillingMode: PAY_PER_REQUEST
              AttributeDefinitions:
                - AttributeName: pk
                  AttributeType: S
              KeySchema:
                - AttributeName: pk
                  KeyType: HASH
              TimeToLiveSpecification:
                AttributeName: expires_at
                Enabled: true
              PointInTimeRecoverySpecification:
                PointInTimeRecoveryEnabled: true
              Tags:
                - Key: App
                  Value: !Ref AppName
                - Key: Environment
                  Value: !Ref Environment

        """

    /// What the function does with the table: read keys and plans, count requests, record
    /// the layout version at its first start. Listing and creating keys is the operator's, not
    /// the function's, so `Scan` and transactions are not granted.
    static let keyTableStatement = """
                    - Sid: CheckKeysAndCountQuotas
                      Effect: Allow
                      Action:
                        - dynamodb:DescribeTable
                        - dynamodb:GetItem
                        - dynamodb:PutItem
                        - dynamodb:UpdateItem
                      Resource: !GetAtt KeyTable.Arn
        """

    static let keyTableOutput = """
          KeyTable:
            Description: "The table of keys, plans and quotas; add them with: magpie plans create --database dynamodb://TABLE ..."
            Value: !Ref KeyTable
        """
}
